"""The ``hojo`` command: ``serve``, ``decide`` and ``check``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from .config import Paths, default_db_url
from .errors import HojoError, RuleFileError

__all__ = ["main"]


def _print_json(value: Any, stream: Any = None) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2), file=stream or sys.stdout)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.db:
        os.environ["HOJO_DB"] = args.db
    db_url = os.environ.get("HOJO_DB", default_db_url())
    print(f"hojo: serving on http://{args.host}:{args.port} (store {db_url}); API docs at /docs", file=sys.stderr)
    uvicorn.run("service.api.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level)
    return 0


def _decide(args: argparse.Namespace) -> int:
    from .decisions import DecisionService
    from .rulebook.registry import Rulebook
    from .store import open_store
    from .strict_json import parse_json

    paths = Paths.from_env()
    try:
        # The same strict reading as POST /v1/decisions: a duplicate key or NaN is refused, not resolved.
        facts = parse_json(Path(args.facts).read_bytes())
    except OSError as exc:
        print(f"hojo decide: cannot read facts from {args.facts}: {exc}", file=sys.stderr)
        return 2
    except HojoError as exc:
        _print_json({"error": exc.as_dict()}, sys.stderr)
        return 2
    request: dict[str, Any] = {"program": args.program, "fiscal_year": args.fiscal_year, "facts": facts}
    if args.version is not None:
        request["version"] = args.version
    store = open_store(args.db or default_db_url())
    try:
        service = DecisionService(Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds), store, paths)
        _print_json(service.decide(request))
        return 0
    except HojoError as exc:
        _print_json({"error": exc.as_dict()}, sys.stderr)
        return 1 if isinstance(exc, RuleFileError) else 2
    finally:
        store.close()


def _check(_: argparse.Namespace) -> int:
    from .rulebook.registry import Rulebook

    paths = Paths.from_env()
    try:
        rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
    except RuleFileError as exc:
        for problem in exc.problems:
            print(f"{problem.path}: [{problem.code}] {problem.message_en}\n    {problem.message_ja}")
        print(f"hojo check: {len(exc.problems)} problem(s)")
        return 1
    versions = rulebook.all_versions()
    for rv in versions:
        print(f"ok  {rv.path}  {rv.name}  FY{rv.from_fiscal_year}-{rv.to_fiscal_year}  sha256 {rv.sha256[:12]}")
    for ref in rulebook.references.values():
        print(f"ok  {ref.path}  {ref.program}  reference (not decidable)  sha256 {ref.sha256[:12]}")
    print(f"hojo check: {len(versions)} rule version(s) and {len(rulebook.references)} reference program(s) valid, "
          f"every citation found in {paths.seeds}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hojo", description="hojo (補助): subsidy decisions from rule files")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API (docs at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--db", help="store URL (default: $HOJO_DB or sqlite:///var/hojo.sqlite3)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(run=_serve)
    decide = sub.add_parser("decide", help="decide one application and print the decision JSON")
    decide.add_argument("--program", required=True)
    decide.add_argument("--fiscal-year", type=int, required=True)
    decide.add_argument("--version", type=int, help="pin a rule version")
    decide.add_argument("--db", help="store URL (the decision is recorded, as over HTTP)")
    decide.add_argument("facts", help="a JSON file with the facts")
    decide.set_defaults(run=_decide)
    check = sub.add_parser("check", help="load and check every rule file, citations included")
    check.set_defaults(run=_check)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
