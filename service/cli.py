"""The ``hojo`` command: serve, decide, allocate, check; replay, verify-log, log-head, export, impact, publish, lock."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from .kernel.config import Paths, default_db_url
from .kernel.errors import HojoError, RuleFileError

__all__ = ["main"]


def _print_json(value: Any, stream: Any = None) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2), file=stream or sys.stdout)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.db:
        os.environ["HOJO_DB"] = args.db
    db_url = os.environ.get("HOJO_DB", default_db_url())
    print(f"hojo: serving on http://{args.host}:{args.port} (store {db_url}); API docs at /docs", file=sys.stderr)
    if args.workers <= 1:
        uvicorn.run("service.api.app:app_from_env", factory=True, host=args.host, port=args.port,
                    log_level=args.log_level)
        return 0
    import socket

    from uvicorn.supervisors import Multiprocess

    # uvicorn binds a multi-worker socket with protocol 0, so asyncio never sets TCP_NODELAY on its
    # connections and every response waits ~40 ms for a delayed ACK (measured: bench/RESULTS.md). Bound
    # here as IPPROTO_TCP, the workers' connections get TCP_NODELAY like a single worker's.
    config = uvicorn.Config("service.api.app:app_from_env", factory=True, host=args.host, port=args.port,
                            workers=args.workers, log_level=args.log_level)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()
    return 0


def _read_input(name: str) -> bytes:
    """The bytes of a file, or of standard input for ``-``."""
    return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()


def _decide(args: argparse.Namespace) -> int:
    from .decisions import DecisionService
    from .kernel.strict_json import parse_json
    from .rulebook.registry import Rulebook
    from .store import open_store

    paths = Paths.from_env()
    try:
        # The same strict reading as POST /v1/decisions: a duplicate key or NaN is refused, not resolved.
        given = parse_json(_read_input(args.facts))
    except OSError as exc:
        print(f"hojo decide: cannot read facts from {args.facts}: {exc}", file=sys.stderr)
        return 2
    except HojoError as exc:
        _print_json({"error": exc.as_dict()}, sys.stderr)
        return 2
    # The whole request body of POST /v1/decisions, or the facts alone; options name or override the rest.
    whole = isinstance(given, dict) and "facts" in given and ("program" in given or "fiscal_year" in given)
    request: dict[str, Any] = dict(given) if whole else {"facts": given}
    for key, option in (("program", args.program), ("fiscal_year", args.fiscal_year), ("version", args.version)):
        if option is not None:
            request[key] = option
    missing = [name for name in ("program", "fiscal_year") if name not in request]
    if missing:
        print(f"hojo decide: give --{missing[0].replace('_', '-')} or a whole request body with {missing[0]}",
              file=sys.stderr)
        return 2
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


def _check(args: argparse.Namespace) -> int:
    from .rulebook.registry import Rulebook

    paths = Paths.from_env()
    try:
        rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
    except RuleFileError as exc:
        for problem in exc.problems:
            print(f"{problem.path}: [{problem.code}] {problem.message_en}\n    {problem.message_ja}")
        print(f"hojo check: {len(exc.problems)} problem(s)")
        return 1
    from .authoring.publishing import check_lock

    versions = rulebook.all_versions()
    lock_problems = check_lock(rulebook.locked_files(), paths.rules)
    if lock_problems:
        for problem in lock_problems:
            print(f"{problem.path}: [{problem.code}] {problem.message_en}\n    {problem.message_ja}")
        print(f"hojo check: {len(lock_problems)} problem(s)")
        return 1
    for rv in versions:
        print(f"ok  {rv.path}  {rv.name}  FY{rv.from_fiscal_year}-{rv.to_fiscal_year}  sha256 {rv.sha256[:12]}")
    for ref in rulebook.references.values():
        print(f"ok  {ref.path}  {ref.program}  reference (not decidable)  sha256 {ref.sha256[:12]}")
    for allocations in rulebook.allocations.values():
        for ap in allocations.values():
            print(f"ok  {ap.path}  {ap.name}  allocation FY{ap.from_fiscal_year}-{ap.to_fiscal_year}  "
                  f"sha256 {ap.sha256[:12]}")
    print(f"hojo check: {len(versions)} rule version(s), {len(rulebook.locked_files()) - len(versions)} allocation "
          f"file(s) and {len(rulebook.references)} reference program(s) valid, "
          f"every citation found in {paths.seeds}")
    if getattr(args, "features", None) is not None:
        return _check_features(paths, args.features)
    return 0


def _check_features(paths: Paths, programs: list[str]) -> int:
    """``hojo check --features [PROGRAM ...]``: the features (in-process) against ``paths.rules``."""
    import subprocess

    repo = Path(__file__).resolve().parent.parent
    selection = "in-process" + (" and (" + " or ".join(programs) + ")" if programs else "")
    env = {k: v for k, v in os.environ.items() if k != "HOJO_TOKENS_FILE"}  # the specification runs open
    env["HOJO_RULES_DIR"] = str(paths.rules.resolve())
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_features.py",
                          "-k", selection], cwd=repo, env=env, text=True, capture_output=True)
    lines = run.stdout.strip().splitlines()
    if run.returncode != 0:
        print("\n".join(lines[-30:]))
    print(f"hojo check --features: {lines[-1] if lines else run.stderr.strip()[-300:]}")
    return 0 if run.returncode == 0 else 1


def _diff(args: argparse.Namespace) -> int:
    """``hojo diff PROGRAM V1 V2``: what changed between two versions, in words (service/authoring/rulediff.py)."""
    from .authoring.rulediff import diff_documents
    from .rulebook.registry import Rulebook

    paths = Paths.from_env()
    try:
        versions = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds).programs.get(args.program, {})
    except RuleFileError as exc:
        _print_json({"error": exc.as_dict()}, sys.stderr)
        return 1
    missing = [v for v in (args.v1, args.v2) if v not in versions]
    if missing:
        print(f"hojo diff: {args.program} has no version {missing[0]} (versions: {sorted(versions) or '-'})",
              file=sys.stderr)
        return 2
    changes = diff_documents(versions[args.v1].document, versions[args.v2].document)
    if args.json:
        _print_json(changes)
        return 0
    counted = "件の変更" if args.lang == "ja" else "change(s)"
    print(f"{args.program} v{args.v1} → v{args.v2}: {len(changes)} {counted}")
    for change in changes:
        print(f"- {change['ja'] if args.lang == 'ja' else change['en']}")
    return 0


def _explain(service: Any, args: argparse.Namespace) -> int:
    """``hojo explain DECISION_ID``: a recorded decision's outcome and reasons as readable text."""
    from .audit.readable import decision_text
    from .kernel.errors import DecisionNotFoundError

    record = service.store.get(args.decision_id)
    if record is None:
        raise DecisionNotFoundError(f"判定 {args.decision_id} はありません", f"no decision {args.decision_id}",
                                    code="decision_not_found")
    sys.stdout.write(decision_text(record, args.lang))
    return 0


class _Bar:
    """A progress bar on stderr (a person watching a long replay or impact run sees it move)."""

    def __init__(self, label: str) -> None:
        self.label, self.shown = label, -1

    def __call__(self, done: int, total: int | None) -> None:
        if not sys.stderr.isatty() and done != total and done % 10_000:
            return
        percent = 100 * done // total if total else 100
        if percent != self.shown or done == total:
            self.shown = percent
            filled = percent * 30 // 100
            print(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{(total or done):,}",
                  end="\n" if done == total else "", file=sys.stderr, flush=True)


def _service(args: argparse.Namespace) -> Any:
    from .decisions import DecisionService
    from .rulebook.registry import Rulebook
    from .store import open_store

    paths = Paths.from_env()
    store = open_store(args.db or default_db_url())
    return DecisionService(Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds), store, paths)


def _query(args: argparse.Namespace) -> Any:
    from .store import Query

    return Query(program=getattr(args, "program", None), fiscal_year=getattr(args, "fiscal_year", None),
                 decided_from=getattr(args, "since", None), decided_to=getattr(args, "until", None))


def _with_service(run: Any) -> Any:
    """Run ``run(service, args)``; a hojo error is printed as JSON on stderr with exit code 2."""
    def wrapped(args: argparse.Namespace) -> int:
        try:
            service = _service(args)
        except HojoError as exc:
            _print_json({"error": exc.as_dict()}, sys.stderr)
            return 2
        try:
            return int(run(service, args))
        except HojoError as exc:
            _print_json({"error": exc.as_dict()}, sys.stderr)
            return 2
        finally:
            service.store.close()
    return wrapped


def _replay(service: Any, args: argparse.Namespace) -> int:
    if args.decision_id:
        result = service.auditor.replay(args.decision_id)
        _print_json(result)
        return 0 if result["identical"] else 1
    summary = service.auditor.replay_all(_query(args), progress=_Bar("replay"), jobs=args.jobs)
    _print_json(summary)
    print(f"hojo replay: {summary['replayed']:,} replayed, {summary['identical']:,} identical, "
          f"{summary['different']:,} different, {summary['failed']:,} failed "
          f"({summary['per_second'] or 0:,}/s)", file=sys.stderr)
    return 0 if summary["different"] == summary["failed"] == 0 else 1


def _redecide(service: Any, args: argparse.Namespace) -> int:
    _print_json(service.auditor.redecide(args.decision_id))
    return 0


def _verify(service: Any, args: argparse.Namespace) -> int:
    expected = None
    if args.anchor:
        expected = json.loads(Path(args.anchor).read_text(encoding="utf-8"))
    result = service.auditor.verify(expected)
    _print_json(result)
    return 0 if result["ok"] else 1


def _head(service: Any, args: argparse.Namespace) -> int:
    _print_json(service.store.head())
    return 0


def _export(service: Any, args: argparse.Namespace) -> int:
    from .audit.export import write_export

    write_export(service.store, _query(args), args.format, sys.stdout)
    return 0


def _impact(service: Any, args: argparse.Namespace) -> int:
    from .rulebook.registry import Rulebook

    draft = Rulebook.from_dir(Path(args.draft), service.paths.schemas, service.paths.seeds)
    report = service.auditor.impact(draft.all_versions(), _query(args), progress=_Bar("impact"))
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print_json({k: v for k, v in report.items() if k != "changed"} if args.summary else report)
    return 0


def _publish(service: Any, args: argparse.Namespace) -> int:
    from .authoring.publishing import publish

    paths = service.paths
    result = publish(Path(args.file).resolve(), paths.rules.resolve(), paths.schemas, paths.seeds,
                     impact=lambda rv: service.auditor.impact([rv], progress=_Bar("impact")),
                     report_dir=Path(args.report_dir))
    _print_json(result)
    return 0


def _lock(args: argparse.Namespace) -> int:
    from .authoring.publishing import lock_new_versions
    from .rulebook.registry import Rulebook

    paths = Paths.from_env()
    try:
        rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
    except RuleFileError as exc:
        _print_json({"error": exc.as_dict()}, sys.stderr)
        return 1
    added = lock_new_versions(rulebook.locked_files(), paths.rules)
    print(f"hojo lock: {len(added)} first publication(s) locked: {', '.join(added) or '-'}")
    return 0


def _allocate(service: Any, args: argparse.Namespace) -> int:
    """``hojo allocate``: the same code as POST /v1/allocations; the file is a list of applicants or a request."""
    from .allocation.shares import AllocationService
    from .kernel.strict_json import parse_json

    try:
        given = parse_json(_read_input(args.applicants))
    except OSError as exc:
        print(f"hojo allocate: cannot read applicants from {args.applicants}: {exc}", file=sys.stderr)
        return 2
    request: dict[str, Any] = dict(given) if isinstance(given, dict) else {"applicants": given}
    request.update(program=args.program, fiscal_year=args.fiscal_year)
    for key, value in (("budget_yen", args.budget_yen), ("pool", args.pool), ("version", args.version)):
        if value is not None:
            request[key] = value
    _print_json(AllocationService(service).allocate(request))
    return 0


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--program")
    parser.add_argument("--fiscal-year", type=int)
    parser.add_argument("--since", help="decided at or after this ISO date/time")
    parser.add_argument("--until", help="decided before this ISO date/time")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hojo")
    except PackageNotFoundError:  # run from a checkout that was not installed
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hojo", description="hojo (補助): subsidy decisions from rule files")
    parser.add_argument("--version", action="version", version=f"hojo {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API (docs at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--db", help="store URL (default: $HOJO_DB or sqlite:///var/hojo.sqlite3)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(run=_serve)
    decide = sub.add_parser("decide", help="decide one application and print the decision JSON")
    decide.add_argument("--program", help="the program (or program in a whole request body)")
    decide.add_argument("--fiscal-year", type=int, help="the fiscal year (or fiscal_year in the body)")
    decide.add_argument("--version", type=int, help="pin a rule version")
    decide.add_argument("--db", help="store URL (the decision is recorded, as over HTTP)")
    decide.add_argument("facts", help="a JSON file (- for standard input): the facts, or the whole request "
                                      "body of POST /v1/decisions")
    decide.set_defaults(run=_decide)
    check = sub.add_parser("check", help="load and check every rule file, citations and the publication lock")
    check.add_argument("--features", nargs="*", metavar="PROGRAM",
                       help="also run the features (in-process), of every program or of those named")
    check.set_defaults(run=_check)
    diff = sub.add_parser("diff", help="what changed between two versions of a program, in words")
    diff.add_argument("program")
    diff.add_argument("v1", type=int)
    diff.add_argument("v2", type=int)
    diff.add_argument("--lang", choices=["ja", "en"], default="ja")
    diff.add_argument("--json", action="store_true", help="print the changes as JSON ({kind, path, ja, en})")
    diff.set_defaults(run=_diff)
    explain = sub.add_parser("explain", help="a recorded decision's outcome and reasons as readable text")
    explain.add_argument("decision_id")
    explain.add_argument("--lang", choices=["ja", "en"], default="ja")
    explain.add_argument("--db")
    explain.set_defaults(run=_with_service(_explain))
    replay = sub.add_parser("replay", help="replay one decision, or every decision selected, under its exact rules")
    replay.add_argument("decision_id", nargs="?")
    replay.add_argument("--jobs", type=int, default=1, help="replay in this many processes (one per core)")
    _add_filters(replay)
    replay.add_argument("--db")
    replay.set_defaults(run=_with_service(_replay))
    redecide = sub.add_parser("redecide", help="what today's rules decide for a recorded decision's facts")
    redecide.add_argument("decision_id")
    redecide.add_argument("--db")
    redecide.set_defaults(run=_with_service(_redecide))
    verify = sub.add_parser("verify-log", help="check the hash chain of the decision log")
    verify.add_argument("--anchor", help="a JSON file from `hojo log-head` kept outside the database")
    verify.add_argument("--db")
    verify.set_defaults(run=_with_service(_verify))
    head = sub.add_parser("log-head", help="print the chain head and count, to anchor outside the database")
    head.add_argument("--db")
    head.set_defaults(run=_with_service(_head))
    export = sub.add_parser("export", help="export recorded decisions as JSONL or CSV")
    _add_filters(export)
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument("--db")
    export.set_defaults(run=_with_service(_export))
    impact = sub.add_parser("impact", help="what a draft rule folder would change in the logged decisions")
    impact.add_argument("--draft", required=True, help="a folder laid out like rules/ holding the draft versions")
    _add_filters(impact)
    impact.add_argument("--out", help="also write the full report to this file")
    impact.add_argument("--summary", action="store_true", help="print the counts without the changed decisions")
    impact.add_argument("--db")
    impact.set_defaults(run=_with_service(_impact))
    publish = sub.add_parser("publish", help="publish a draft: features, impact report, then status and lock")
    publish.add_argument("file", help="rules/<program>/v<N>.yaml with status: draft")
    publish.add_argument("--report-dir", default="var/impact")
    publish.add_argument("--db")
    publish.set_defaults(run=_with_service(_publish))
    lock = sub.add_parser("lock", help="lock the sha256 of first-published versions not yet in the lock")
    lock.set_defaults(run=_lock)
    allocate = sub.add_parser("allocate", help="share a budget out among applicants, record and print it")
    allocate.add_argument("--program", required=True)
    allocate.add_argument("--fiscal-year", type=int, required=True)
    allocate.add_argument("--budget-yen", type=int, help="the budget (or budget_yen in the file)")
    allocate.add_argument("--pool", help="share out one named pool of the allocation file")
    allocate.add_argument("--version", type=int, help="pin an allocation version")
    allocate.add_argument("--db", help="store URL (the allocation is recorded, as over HTTP)")
    allocate.add_argument("applicants", help="a JSON file (- for standard input): a list of applicants, or "
                                             "{budget_yen, applicants[, pool]}")
    allocate.set_defaults(run=_with_service(_allocate))
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
