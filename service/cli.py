"""The ``hojo`` command: serve, decide, allocate, case, batch, check; replay, verify-log, log-head, export, impact,
publish, lock; keygen and verify-receipt (evidence anyone can check: service/audit/evidence.py).

Every command survives a closed pipe (``hojo export | head``): it stops quietly with exit status 141
(128 + SIGPIPE), as ``yes | head`` does, instead of a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from .kernel.config import Paths, default_db_url, redacted_url
from .kernel.errors import HojoError, RuleFileError

__all__ = ["main"]


def _print_json(value: Any, stream: Any = None) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2), file=stream or sys.stdout)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .kernel.logs import LEVELS, configure, log_config

    if args.log_level not in LEVELS:  # argparse does not check a default taken from HOJO_LOG_LEVEL
        print(f"hojo serve: HOJO_LOG_LEVEL={args.log_level!r}: use one of {', '.join(LEVELS)}", file=sys.stderr)
        return 2
    if args.db:
        os.environ["HOJO_DB"] = args.db
    # The workers read the level from the environment too (uvicorn starts them as new processes).
    os.environ["HOJO_LOG_LEVEL"] = args.log_level
    configure(args.log_level)
    logging.getLogger("hojo").info(
        "hojo: serving on http://%s:%d (store %s, %d worker(s)); API docs at /docs", args.host, args.port,
        redacted_url(os.environ.get("HOJO_DB", default_db_url())), args.workers)
    logging_options = {"log_config": log_config(args.log_level), "log_level": args.log_level, "access_log": False}
    if args.workers <= 1:
        uvicorn.run("service.api.app:app_from_env", factory=True, host=args.host, port=args.port, **logging_options)
        return 0
    import socket
    import tempfile

    from uvicorn.supervisors import Multiprocess

    with tempfile.TemporaryDirectory(prefix="hojo-metrics-") as metrics_dir:
        # Set before any worker starts (and so before any imports prometheus_client): each worker keeps its
        # counters in a file here, and /metrics on any worker adds up all of them. A fresh folder per serve,
        # removed at exit, so counts never carry over from an earlier run.
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_dir)
        # uvicorn binds a multi-worker socket with protocol 0, so asyncio never sets TCP_NODELAY on its
        # connections and every response waits ~40 ms for a delayed ACK (measured: bench/RESULTS.md). Bound
        # here as IPPROTO_TCP, the workers' connections get TCP_NODELAY like a single worker's.
        config = uvicorn.Config("service.api.app:app_from_env", factory=True, host=args.host, port=args.port,
                                workers=args.workers, **logging_options)
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
    from .rulebook.cache import load_rulebook
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
    # A simulation touches no store at all: a private in-memory one holds the rule texts it needs.
    store = open_store("sqlite://:memory:" if args.simulate else args.db or default_db_url())
    try:
        service = DecisionService(load_rulebook(paths), store, paths)
        _print_json(service.decide(request, record=not args.simulate))
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
    from rich.table import Table

    table = Table("", "file", "name", "kind", "fiscal years", "sha256", box=None, pad_edge=False)
    for rv in versions:
        table.add_row("ok", rv.path, rv.name, rv.status, f"FY{rv.from_fiscal_year}-{rv.to_fiscal_year}", rv.sha256[:12])
    for ref in rulebook.references.values():
        table.add_row("ok", ref.path, ref.program, "reference (not decidable)", "", ref.sha256[:12])
    for allocations in rulebook.allocations.values():
        for ap in allocations.values():
            table.add_row("ok", ap.path, ap.name, "allocation", f"FY{ap.from_fiscal_year}-{ap.to_fiscal_year}",
                          ap.sha256[:12])
    for lifecycles in rulebook.lifecycles.values():
        for lc in lifecycles.values():
            table.add_row("ok", lc.path, lc.name, "lifecycle", f"FY{lc.from_fiscal_year}-{lc.to_fiscal_year}",
                          lc.sha256[:12])
    _console().print(table)
    _print_declarations(versions)
    _print_warnings(versions)
    allocations_count = sum(len(v) for v in rulebook.allocations.values())
    lifecycles_count = sum(len(v) for v in rulebook.lifecycles.values())
    print(f"hojo check: {len(versions)} rule version(s), {allocations_count} allocation file(s), "
          f"{lifecycles_count} lifecycle file(s) and {len(rulebook.references)} reference program(s) valid, "
          f"every citation found in {paths.seeds.name}/ or {paths.sources.name}/, every checked number in its quote "
          "or declared")
    if getattr(args, "features", None) is not None:
        return _check_features(paths, args.features)
    return 0


def _print_declarations(versions: list[Any]) -> None:
    """Every declared number source that is an exception (no document prints the number), counted per program."""
    from .rulebook.numbers import EXCEPTION_KINDS

    by_program: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    elsewhere = 0
    for rv in sorted(versions, key=lambda rv: (rv.program, rv.version)):
        for declared in rv.number_sources:
            if declared["kind"] in EXCEPTION_KINDS:
                by_program.setdefault(rv.program, []).append((rv, declared))
            else:
                elsewhere += 1
    total = sum(len(found) for found in by_program.values())
    print(f"hojo check: {total} declared number exception(s) in {len(by_program)} program(s) "
          f"(numbers no held document prints; {elsewhere} more cited on another line)")
    for program, found in by_program.items():
        kinds: dict[str, int] = {}
        for _, declared in found:
            kinds[declared["kind"]] = kinds.get(declared["kind"], 0) + 1
        shown = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        print(f"  {program}: {len(found)} ({shown})")
        for rv, declared in found:
            print(f"    v{rv.version} {declared['at']} = {declared['value']} [{declared['kind']}] {declared['why_en']}")


def _print_warnings(versions: list[Any]) -> None:
    warnings = [warning for rv in versions for warning in rv.warnings]
    for warning in warnings:
        print(f"warning {warning.path}: [{warning.code}] {warning.message_en}\n    {warning.message_ja}")
    if warnings:
        print(f"hojo check: {len(warnings)} warning(s) (not errors)")


def _source_add(args: argparse.Namespace) -> int:
    """``hojo source add --id ID --title T --date YYYY-MM-DD FILE``: register a source beside the seeds."""
    from .authoring.sources import MAX_SOURCE_BYTES, add_source

    paths = Paths.from_env()
    try:
        with open(args.file, "rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        print(f"hojo source add: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        entry = add_source(paths.seeds, paths.rules, args.id, args.title, args.date, raw,
                           os.environ.get("USER", "cli"), replace=args.replace)
    except HojoError as exc:
        _print_json({"error": exc.as_dict()}, sys.stderr)
        return 2
    _print_json({**entry, "document": f"sources/{entry['id']}.txt"})
    word = "registered" if entry["created"] else "already registered with this text"
    print(f"hojo source add: {word}; cite it as cites: {{document: sources/{entry['id']}.txt, line: N, "
          "quote: \"...\"}", file=sys.stderr)
    return 0


def _source_list(args: argparse.Namespace) -> int:
    from .rulebook.sources import read_registry

    registry = read_registry(Paths.from_env().sources)
    for source_id, entry in sorted(registry.items()):
        print(f"sources/{source_id}.txt  {entry['date']}  sha256 {entry['sha256'][:12]}  {entry['title']}")
    print(f"hojo source list: {len(registry)} registered source(s)")
    return 0


def _check_features(paths: Paths, programs: list[str]) -> int:
    """``hojo check --features [PROGRAM ...]``: the features, run in-process by the service, against ``paths``."""
    from .api.app import feature_target
    from .authoring.features import program_scenarios, run_scenarios

    selected = [s for s in program_scenarios(paths.features)
                if not programs or any(program in s.tags for program in programs)]
    with _progress() as bar, feature_target(paths) as target:
        task = bar.add_task("features", total=len(selected))
        report = run_scenarios(selected, target, paths,
                               progress=lambda done, total, _: bar.update(task, completed=done))
    for failure in report.failures:
        _print_failure(failure)
    print(f"hojo check --features: {report.summary()}")
    return 0 if report.ok else 1


def _print_failure(failure: dict[str, Any]) -> None:
    print(f"FAILED {failure['feature']}:{failure['scenario_line']} {failure['scenario']}\n"
          f"    {failure['step']}  (line {failure['step_line']})\n"
          f"    {failure['message_en']} / {failure['message_ja']}\n"
          f"    expected: {failure['expected']}\n    got:      {failure['got']}")


def _progress() -> Any:
    """A rich progress bar on stderr (stage, bar, count, time), also when stderr is not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:>9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=_console(stderr=True), transient=False)


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
    from .audit.integrity import record_integrity
    from .audit.readable import decision_text
    from .kernel.errors import DecisionNotFoundError

    row = service.store.row_of(args.decision_id)
    if row is None:
        raise DecisionNotFoundError(f"判定 {args.decision_id} はありません", f"no decision {args.decision_id}",
                                    code="decision_not_found")
    integrity = record_integrity(service.store, row)
    if not integrity["ok"]:
        # Said first and on stderr too: a reader must not take a tampered record for the decision made.
        for problem in integrity["problems"]:
            line = (f"!! 改ざんの疑い: この記録は検査に失敗しました [{problem['code']}] {problem['message_ja']}"
                    if args.lang == "ja" else
                    f"!! TAMPERED: this record failed its integrity check [{problem['code']}] {problem['message_en']}")
            print(line)
            print(line, file=sys.stderr)
    sys.stdout.write(decision_text(row.record(), args.lang))
    return 0 if integrity["ok"] else 1


class _Bar:
    """A rich progress bar on stderr (a person watching a long replay or impact run sees it move).

    Used as a context manager so the bar is closed (and its final state printed) however the run ends.
    """

    def __init__(self, label: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TimeRemainingColumn

        self.progress = Progress("[bold]" + label, BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                                 TimeRemainingColumn(), console=_console(stderr=True))
        self.task = self.progress.add_task(label, total=None)

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.progress.stop()

    def __call__(self, done: int, total: int | None) -> None:
        self.progress.update(self.task, completed=done, total=total)


def _console(stderr: bool = False) -> Any:
    """A rich console; off a terminal (a pipe, a CI log) it is wide and colourless, so lines are not cut."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich exits 1; a closed pipe ends the command quietly with 141 (main)
            raise BrokenPipeError

    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return _Console(file=stream)
    return _Console(file=stream, width=200, no_color=True, highlight=False)


def _service(args: argparse.Namespace) -> Any:
    from .decisions import DecisionService
    from .rulebook.cache import load_rulebook
    from .store import open_store

    paths = Paths.from_env()
    store = open_store(args.db or default_db_url())
    try:
        return DecisionService(load_rulebook(paths), store, paths)
    except BaseException:
        store.close()
        raise


class _LogOnly:
    """What a command that decides nothing needs: the store (no rule file is loaded; start-up stays short)."""

    def __init__(self, args: argparse.Namespace) -> None:
        from .store import open_store

        self.store = open_store(args.db or default_db_url())

    def verify(self, expected: Any = None) -> dict[str, Any]:
        """The whole log's check (``Auditor.verify``): chain, tree, heads, stored rule texts, the lock."""
        from .audit.integrity import published_lock, verify_store

        return verify_store(self.store, published_lock(Paths.from_env().rules), expected)

    @property
    def notary(self) -> Any:
        from .audit.evidence import Notary

        return Notary.from_env(self.store)


def _query(args: argparse.Namespace) -> Any:
    from .store import Query

    return Query(program=getattr(args, "program", None), fiscal_year=getattr(args, "fiscal_year", None),
                 decided_from=getattr(args, "since", None), decided_to=getattr(args, "until", None))


def _with_service(run: Any, decides: bool = True) -> Any:
    """Run ``run(service, args)``; a hojo error is printed as JSON on stderr with exit code 2.

    ``decides=False``: the command reads the log only, and gets the store without the rulebook.
    """
    def wrapped(args: argparse.Namespace) -> int:
        try:
            service = _service(args) if decides else _LogOnly(args)
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
        if args.json:
            _print_json(result)
        elif result["identical"]:
            print("identical")
        else:
            print(f"different: {len(result['differences'])} field(s)")
            for d in result["differences"]:
                print(f"  {d['path']}: recorded {json.dumps(d['recorded'], ensure_ascii=False)} → "
                      f"replayed {json.dumps(d['replayed'], ensure_ascii=False)}")
        if args.canonical and not args.json:
            print(result["canonical"])
        return 0 if result["identical"] else 1
    with _Bar("replay") as bar:
        summary = service.auditor.replay_all(_query(args), progress=bar, jobs=args.jobs)
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
        try:
            expected = json.loads(Path(args.anchor).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"hojo verify-log: cannot read the anchor {args.anchor}: {exc}", file=sys.stderr)
            return 2
    result = service.verify(expected)
    _print_json(result)
    if result["ok"]:
        grown = f"; {result['appended']:,} record(s) appended since the anchor" if "appended" in result else ""
        print(f"hojo verify-log: ok, {result['checked']:,} record(s), {result['rule_versions_checked']} rule "
              f"version(s), {result['signed_heads_checked']} signed head(s) checked{grown}", file=sys.stderr)
    else:
        first = result["first_broken"]
        print(f"hojo verify-log: FAILED, {len(result['broken'])} problem(s); first: [{first['code']}] "
              f"{first['message_en']}", file=sys.stderr)
    return 0 if result["ok"] else 1


def _head(service: Any, args: argparse.Namespace) -> int:
    _print_json(service.notary.head())
    return 0


def _export(service: Any, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .audit.export import write_export

    query = replace(_query(args), after_seq=args.after, limit=args.limit)
    last = write_export(service.store, query, args.format, sys.stdout, facts=args.facts)
    if args.limit is not None and last is not None:
        print(f"hojo export: next page with --after {last}", file=sys.stderr)
    return 0


def _keygen(args: argparse.Namespace) -> int:
    """``hojo keygen KEY``: a new Ed25519 signing key (mode 0600) and KEY.pub beside it."""
    from .audit.evidence import generate_key, key_id, load_private_key

    path = Path(args.path)
    try:
        public = generate_key(path)
    except FileExistsError:
        print(f"hojo keygen: {path} exists; a signing key is never overwritten", file=sys.stderr)
        return 2
    print(f"hojo keygen: private key {path} (keep it secret; set HOJO_SIGNING_KEY_FILE={path}), "
          f"public key {public}, key_id {key_id(load_private_key(path).public_key())}")
    return 0


def _verify_receipt(args: argparse.Namespace) -> int:
    """``hojo verify-receipt RECEIPT.json --public-key KEY``: offline, no database; exit 0 valid, 1 not."""
    from .audit.evidence import load_public_key, verify_receipt

    try:
        receipt = json.loads(Path(args.receipt).read_text(encoding="utf-8"))
        public_key = load_public_key(Path(args.public_key).read_bytes())
        later = json.loads(Path(args.later_head).read_text(encoding="utf-8")) if args.later_head else None
        proof = json.loads(Path(args.consistency).read_text(encoding="utf-8")) if args.consistency else None
    except (OSError, ValueError, KeyError) as exc:
        print(f"hojo verify-receipt: INVALID: cannot read the inputs: {exc}", file=sys.stderr)
        return 1
    if (later is None) != (proof is None):
        print("hojo verify-receipt: --later-head and --consistency go together", file=sys.stderr)
        return 2
    result = verify_receipt(receipt, public_key, later, None if proof is None else proof.get("proof", []))
    if args.json:
        _print_json(result)
    if result["ok"]:
        also = (f"; the log of {result['later_tree_size']:,} records still holds it (consistency proof verified)"
                if "later_tree_size" in result else "")
        print(f"hojo verify-receipt: valid: decision {result['decision_id']} is record {result['leaf_index'] + 1:,} "
              f"of the log of {result['tree_size']:,} records signed by key {receipt['tree_head']['key_id'][:16]}…"
              f"{also}")
        return 0
    for reason in result["reasons"]:
        print(f"hojo verify-receipt: INVALID: {reason}")
    return 1


def _impact(service: Any, args: argparse.Namespace) -> int:
    from .rulebook.registry import Rulebook

    draft = Rulebook.from_dir(Path(args.draft), service.paths.schemas, service.paths.seeds)
    with _Bar("impact") as bar:
        report = service.auditor.impact(draft.all_versions(), _query(args), progress=bar)
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print_json({k: v for k, v in report.items() if k != "changed"} if args.summary else report)
    return 0


def _publish(service: Any, args: argparse.Namespace) -> int:
    """``hojo publish FILE``: check, features (in-process), impact, publish, lock and log; progress on stderr."""
    import getpass
    import time

    from .api.app import feature_target
    from .authoring.drafting import publish_draft
    from .authoring.publishing import PublishError

    started = time.monotonic()
    paths = service.paths
    path = Path(args.file).resolve()
    rules = paths.rules.resolve()
    if path.parent.parent != rules or not path.stem[1:].isdigit():
        print(f"hojo publish: {args.file} is not a rules/<program>/v<N>.yaml under {rules}", file=sys.stderr)
        return 2
    with _progress() as bar:
        tasks: dict[str, Any] = {}

        def shown(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            result = publish_draft(service, paths, path.parent.name, int(path.stem[1:]), None,
                                   f"cli:{getpass.getuser()}", Path(args.report_dir), feature_target,
                                   progress=shown)
        except PublishError as exc:
            for failure in exc.details.get("features", {}).get("failures", []):
                _print_failure(failure)
            raise
    _print_json(result)
    print(f"hojo publish: {result['published']} published in {time.monotonic() - started:.1f} s "
          f"(features {result['features']}); {result['live_en']}", file=sys.stderr)
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


def _iso_date(text: str) -> str:
    from .audit.export import valid_date

    if not valid_date(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date or date-time (2026-04-01, 2026-04-01T09:00)")
    return text


def _case(service: Any, args: argparse.Namespace) -> int:
    """``hojo case …``: the same code as /v1/cases (open, step, show, list, replay, redecide)."""
    from datetime import date

    from .cases.service import CaseService
    from .kernel.strict_json import parse_json

    cases = CaseService(service)

    def read(name: str) -> Any:
        try:
            return parse_json(Path(name).read_bytes())
        except OSError as exc:
            raise SystemExit(f"hojo case: cannot read {name}: {exc}") from None

    if args.case_command == "open":
        _print_json(cases.open(read(args.request), requested_by=args.by))
    elif args.case_command == "step":
        _print_json(cases.take(args.case_id, read(args.request), requested_by=args.by))
    elif args.case_command == "show":
        _print_json(cases.case(args.case_id))
    elif args.case_command == "list":
        overdue = date.fromisoformat(args.overdue_on) if args.overdue_on else None
        found = cases.list(args.program, args.fiscal_year, args.status, args.to_return, overdue)
        _print_json({"cases": found, "count": len(found),
                     "outstanding_yen": sum(int(c["amounts"]["outstanding_yen"]) for c in found)})
    elif args.case_command == "replay":
        result = cases.replay(args.case_id)
        _print_json(result)
        return 0 if result["identical"] else 1
    else:
        _print_json(cases.redecide(args.case_id))
    return 0


def _read_table(path: Path, fmt: str, rv: Any) -> Any:
    """A CSV or Parquet file as a table typed by the version's facts schema (an empty CSV cell: absent)."""
    import polars as pl

    from .core.columnar import facts_dtypes

    dtypes = facts_dtypes(rv)
    if fmt == "parquet":
        return pl.read_parquet(path)
    raw = pl.read_csv(path, infer_schema=False)
    columns = []
    for name in raw.columns:
        text = pl.col(name)
        wanted = dtypes.get(name)
        if wanted == pl.Int64:
            columns.append(text.str.strip_chars().cast(pl.Int64, strict=False))
        elif wanted == pl.Boolean:
            columns.append(text.str.to_lowercase().replace_strict({"true": True, "false": False}, default=None,
                                                                  return_dtype=pl.Boolean))
        elif wanted == pl.List(pl.String):
            # a list cell holds its items separated by "|" (e.g. 1|3); an empty cell is an absent fact
            columns.append(pl.when(text.is_null()).then(None).otherwise(text.str.split("|")))
        else:
            columns.append(text)
    typed = raw.select(columns)
    # A cell that did not read as its type is sent on as text, so the row is refused with its problem.
    mistyped = [(name, raw.get_column(name).is_not_null() & typed.get_column(name).is_null()) for name in raw.columns]
    return typed, raw, mistyped


def _batch(service: Any, args: argparse.Namespace) -> int:
    """``hojo batch``: decide a file of applications a table at a time, record each decision, write the answers."""
    import time

    from rich.progress import Progress as Bar

    from .batches import CHUNK_ROWS, BatchService

    batches = BatchService(service)
    rv = batches.select(args.program, args.fiscal_year, args.version)
    source, target = Path(args.input), Path(args.out)
    fmt = args.format or {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}.get(source.suffix.lower(), "jsonl")
    out_fmt = args.out_format or {".csv": "csv", ".parquet": "parquet"}.get(target.suffix.lower(), "jsonl")
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    totals: dict[str, Any] = {"rows": 0, "columnar": 0, "per_record": 0, "invalid": 0, "recorded": 0}
    batch_id = None
    with Bar(transient=not sys.stderr.isatty(), disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task(f"batch {rv.name}", total=None)

        def absorb(chunk_rows: list[dict[str, Any]], summary: dict[str, Any]) -> None:
            nonlocal batch_id
            batch_id = summary["batch_id"]
            rows.extend(chunk_rows)
            for key in ("rows", "columnar", "per_record", "invalid", "recorded"):
                totals[key] += summary[key]
            totals["columnar_fallback"] = summary["columnar_fallback"]
            bar.update(task, advance=len(chunk_rows))

        if fmt == "jsonl":
            with source.open("rb") as handle:
                buffer: list[bytes] = []
                first = 1
                for number, line in enumerate(handle, start=1):
                    buffer.append(line)
                    if len(buffer) >= CHUNK_ROWS:
                        ids, facts, errors = batches.parse_lines(buffer, first)
                        absorb(*batches.decide_rows(rv, args.fiscal_year, ids, facts, errors, "cli",
                                                    not args.no_record, batch_id))
                        buffer, first = [], number + 1
                ids, facts, errors = batches.parse_lines(buffer, first)
                absorb(*batches.decide_rows(rv, args.fiscal_year, ids, facts, errors, "cli", not args.no_record,
                                            batch_id))
        else:
            typed, raw, mistyped = _read_table(source, fmt, rv) if fmt == "csv" else (
                _read_table(source, fmt, rv), None, [])
            ids_all = (typed.get_column("id").to_list() if "id" in typed.columns
                       else list(range(1, typed.height + 1)))
            facts_table = typed.drop("id") if "id" in typed.columns else typed
            bad = None
            for _, flags in mistyped:
                bad = flags if bad is None else (bad | flags)
            for start in range(0, typed.height, CHUNK_ROWS):
                part = facts_table.slice(start, CHUNK_ROWS)
                ids = ids_all[start:start + CHUNK_ROWS]
                if bad is not None and raw is not None and bool(bad.slice(start, CHUNK_ROWS).any()):
                    # A cell that did not read as its type goes on as the text given, so that row is refused
                    # with that cell's problem; those chunks are decided row by row.
                    facts = [{k: v for k, v in row.items() if v is not None}
                             for row in part.iter_rows(named=True)]
                    for name, flags in mistyped:
                        for j, flag in enumerate(flags.slice(start, CHUNK_ROWS).to_list()):
                            if flag and name != "id":
                                facts[j][name] = raw.get_column(name)[start + j]
                    absorb(*batches.decide_rows(rv, args.fiscal_year, ids, facts, {}, "cli", not args.no_record,
                                                batch_id))
                else:
                    absorb(*batches.decide_frame(rv, args.fiscal_year, ids, part, "cli", not args.no_record,
                                                 batch_id))
    _write_rows(rows, target, out_fmt)
    elapsed = time.monotonic() - started
    totals.update(batch_id=batch_id, ruleset=rv.name, out=str(target), elapsed_seconds=round(elapsed, 3),
                  per_decision_us=round(elapsed / max(totals["rows"], 1) * 1e6, 2))
    _print_json(totals, sys.stderr)
    return 0 if totals["invalid"] == 0 else 1


def _write_rows(rows: list[dict[str, Any]], target: Path, fmt: str) -> None:
    if fmt == "jsonl":
        from .batches import jsonl

        with target.open("w", encoding="utf-8") as handle:
            handle.writelines(jsonl(rows))
        return
    import polars as pl

    from .batches import BATCH_ROW_FIELDS

    flat = [{**{k: row.get(k) for k in BATCH_ROW_FIELDS},
             "row": str(row["row"]),
             "error": None if "error" not in row else json.dumps(row["error"], ensure_ascii=False)} for row in rows]
    table = pl.DataFrame(flat, schema={"row": pl.String, "decision_id": pl.String, "program": pl.String,
                                       "fiscal_year": pl.Int64, "rules_version": pl.Int64, "rules_sha256": pl.String,
                                       "ruleset": pl.String, "eligible": pl.Boolean, "amount_yen": pl.Int64,
                                       "cap_yen": pl.Int64, "error": pl.String})
    if fmt == "csv":
        table.write_csv(target)
    else:
        table.write_parquet(target)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--program", help="only the records of this program id")
    parser.add_argument("--fiscal-year", type=int, help="only the records of this fiscal year (e.g. 2024)")
    parser.add_argument("--since", type=_iso_date, help="decided at or after this ISO date/time")
    parser.add_argument("--until", type=_iso_date, help="decided before this ISO date/time")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hojo")
    except PackageNotFoundError:  # run from a checkout that was not installed
        return "unknown"


_DB_HELP = "store URL (default: $HOJO_DB or sqlite:///var/hojo.sqlite3)"


def _command(sub: Any, name: str, summary: str, *examples: str) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` ends with worked examples."""
    epilog = "example" + ("s" if len(examples) > 1 else "") + ":\n" + "\n".join(f"  {line}" for line in examples)
    parser: argparse.ArgumentParser = sub.add_parser(name, help=summary, description=summary, epilog=epilog,
                                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The ``hojo`` command line: every option with its help, every command with an example."""
    from .kernel.logs import LEVELS

    parser = argparse.ArgumentParser(prog="hojo", description="hojo (補助): subsidy decisions from rule files",
                                     epilog="example:\n  hojo check && hojo serve --port 8000\n\n"
                                            "hojo COMMAND --help shows a command's options and an example.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"hojo {_version()}",
                        help="print the installed version of hojo and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = _command(sub, "serve", "run the HTTP API (docs at /docs; /healthz, /readyz, /metrics)",
                     "hojo serve --port 8000",
                     "HOJO_TOKENS_FILE=/etc/hojo/tokens.json hojo serve --db postgresql://hojo@db/hojo --workers 4")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=int, default=8000, help="TCP port (default: 8000)")
    serve.add_argument("--db", help=_DB_HELP)
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes (default: 1); with more, /metrics adds up every worker's counts")
    serve.add_argument("--log-level", default=os.environ.get("HOJO_LOG_LEVEL", "info").lower(), choices=LEVELS,
                       help="JSON log lines at this level and above (default: $HOJO_LOG_LEVEL or info)")
    serve.set_defaults(run=_serve)
    decide = _command(sub, "decide", "decide one application, record it and print the decision JSON",
                      "hojo decide --program kokuho_healthup_municipal --fiscal-year 2024 facts.json",
                      "hojo decide - < request.json   # the whole body of POST /v1/decisions")
    decide.add_argument("--program", help="the program id (hojo check lists them), or program in a whole request body")
    decide.add_argument("--fiscal-year", type=int,
                        help="the fiscal year applied for (e.g. 2024), or fiscal_year in a whole request body")
    decide.add_argument("--version", type=int, help="pin a rule version (default: the version in force)")
    decide.add_argument("--db", help="store URL (the decision is recorded, as over HTTP)")
    decide.add_argument("--simulate", action="store_true",
                        help="試算: decide without recording (POST /v1/simulations); the answer says recorded: false")
    decide.add_argument("facts", help="a JSON file (- for standard input): the facts, or the whole request "
                                      "body of POST /v1/decisions")
    decide.set_defaults(run=_decide)
    check = _command(sub, "check", "load and check every rule file, citations and the publication lock",
                     "hojo check", "hojo check --features kokuho_healthup_municipal")
    check.add_argument("--features", nargs="*", metavar="PROGRAM",
                       help="also run the features (in-process), of every program or of those named")
    check.set_defaults(run=_check)
    diff = _command(sub, "diff", "what changed between two versions of a program, in words",
                    "hojo diff kokuho_healthup_municipal 1 2 --lang en")
    diff.add_argument("program", help="the program id")
    diff.add_argument("v1", type=int, help="the older version number")
    diff.add_argument("v2", type=int, help="the newer version number")
    diff.add_argument("--lang", choices=["ja", "en"], default="ja", help="language of the sentences (default: ja)")
    diff.add_argument("--json", action="store_true", help="print the changes as JSON ({kind, path, ja, en})")
    diff.set_defaults(run=_diff)
    explain = _command(sub, "explain", "a recorded decision's outcome and reasons as readable text",
                       "hojo explain 1b4e28ba-2fa1-11d2-883f-0016d3cca427 --lang en")
    explain.add_argument("decision_id", help="the decision_id of a recorded decision")
    explain.add_argument("--lang", choices=["ja", "en"], default="ja", help="language of the text (default: ja)")
    explain.add_argument("--db", help=_DB_HELP)
    explain.set_defaults(run=_with_service(_explain))
    replay = _command(sub, "replay", "replay one decision, or every decision selected, under its exact rules",
                      "hojo replay --jobs 2 --fiscal-year 2024", "hojo replay 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    replay.add_argument("decision_id", nargs="?", help="one decision to replay (default: every one selected)")
    replay.add_argument("--jobs", type=int, default=1, help="replay in this many processes (one per core)")
    replay.add_argument("--canonical", action="store_true", help="with an ID: also print the replayed canonical text")
    replay.add_argument("--json", action="store_true", help="with an ID: print the whole result as JSON")
    _add_filters(replay)
    replay.add_argument("--db", help=_DB_HELP)
    replay.set_defaults(run=_with_service(_replay))
    redecide = _command(sub, "redecide", "what today's rules decide for a recorded decision's facts",
                        "hojo redecide 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    redecide.add_argument("decision_id", help="the decision_id of a recorded decision")
    redecide.add_argument("--db", help=_DB_HELP)
    redecide.set_defaults(run=_with_service(_redecide))
    verify = _command(sub, "verify-log", "check the hash chain, tree, heads, stored rule texts and the lock",
                      "hojo verify-log --anchor head-2026-04-01.json --db postgresql://hojo@db/hojo")
    verify.add_argument("--anchor", help="a head kept outside the database (`hojo log-head`, GET /v1/log/head); "
                                         "the log may have grown since")
    verify.add_argument("--db", help=_DB_HELP)
    verify.set_defaults(run=_with_service(_verify, decides=False))
    head = _command(sub, "log-head", "print the signed tree head (root, count, chain head) to anchor outside",
                    "hojo log-head > head-$(date +%F).json")
    head.add_argument("--db", help=_DB_HELP)
    head.set_defaults(run=_with_service(_head, decides=False))
    export = _command(sub, "export", "export recorded decisions as JSONL or CSV",
                      "hojo export --program kokuho_healthup_municipal --fiscal-year 2024 --format csv > fy2024.csv")
    _add_filters(export)
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl", help="output format (default: jsonl)")
    export.add_argument("--limit", type=int, help="at most this many records (the next --after is printed)")
    export.add_argument("--after", type=int, default=0, help="only records after this seq (a cursor)")
    export.add_argument("--facts", action="store_true", help="CSV: one column per fact (facts.<name>)")
    export.add_argument("--db", help=_DB_HELP)
    export.set_defaults(run=_with_service(_export, decides=False))
    impact = _command(sub, "impact", "what a draft rule folder would change in the logged decisions",
                      "hojo impact --draft drafts/ --summary --out var/impact/draft.json")
    impact.add_argument("--draft", required=True, help="a folder laid out like rules/ holding the draft versions")
    _add_filters(impact)
    impact.add_argument("--out", help="also write the full report to this file")
    impact.add_argument("--summary", action="store_true", help="print the counts without the changed decisions")
    impact.add_argument("--db", help=_DB_HELP)
    impact.set_defaults(run=_with_service(_impact))
    publish = _command(sub, "publish", "publish a draft: features, impact report, then status and lock",
                       "hojo publish rules/kokuho_healthup_municipal/v3.yaml")
    publish.add_argument("file", help="rules/<program>/v<N>.yaml with status: draft")
    publish.add_argument("--report-dir", default="var/impact",
                         help="where the impact report goes (default: var/impact)")
    publish.add_argument("--db", help=_DB_HELP)
    publish.set_defaults(run=_with_service(_publish))
    source = _command(sub, "source", "registered source documents beside the seeds (sources/<id>.txt)",
                      "hojo source add --id kofuyoko_2026 --title '交付要綱（令和8年改正）' --date 2026-04-01 "
                      "kofuyoko.txt",
                      "hojo source list")
    source_sub = source.add_subparsers(dest="source_command", required=True, help="add or list")
    source_add = _command(source_sub, "add", "register a document (an amended 交付要綱, a 通知) to cite",
                          "hojo source add --id kofuyoko_2026 --title '交付要綱（令和8年改正）' --date 2026-04-01 "
                          "kofuyoko.txt")
    source_add.add_argument("--id", required=True, help="a-z 0-9 _ - (cited as sources/<id>.txt)")
    source_add.add_argument("--title", required=True, help="the document's title, e.g. 交付要綱（令和8年改正）")
    source_add.add_argument("--date", required=True, help="the document's date, YYYY-MM-DD")
    source_add.add_argument("--replace", action="store_true",
                            help="replace the text of an id that no published version cites yet")
    source_add.add_argument("file", help="the document as UTF-8 text")
    source_add.set_defaults(run=_source_add)
    source_list = _command(source_sub, "list", "list the registered sources", "hojo source list")
    source_list.set_defaults(run=_source_list)
    lock = _command(sub, "lock", "lock the sha256 of first-published versions not yet in the lock", "hojo lock")
    lock.set_defaults(run=_lock)
    allocate = _command(sub, "allocate", "share a budget out among applicants, record and print it",
                        "hojo allocate --program kenpo_shussan_kosodate_support --fiscal-year 2024 applicants.json")
    allocate.add_argument("--program", required=True, help="the program id of an allocation file")
    allocate.add_argument("--fiscal-year", type=int, required=True, help="the fiscal year of the budget (e.g. 2024)")
    allocate.add_argument("--budget-yen", type=int, help="the budget (or budget_yen in the file)")
    allocate.add_argument("--pool", help="share out one named pool of the allocation file")
    allocate.add_argument("--version", type=int, help="pin an allocation version")
    allocate.add_argument("--db", help="store URL (the allocation is recorded, as over HTTP)")
    allocate.add_argument("applicants", help="a JSON file (- for standard input): a list of applicants, or "
                                             "{budget_yen, applicants[, pool]}")
    allocate.set_defaults(run=_with_service(_allocate))
    case = _command(sub, "case", "a grant's life: open a case, take its steps, show, list, replay, redecide",
                    "hojo case open request.json --by 'Sapporo city'",
                    "hojo case step 6f1c… step.json",
                    "hojo case list --to-return")
    case.add_argument("--db", help=_DB_HELP)
    case_sub = case.add_subparsers(dest="case_command", required=True, metavar="open|step|show|list|replay|redecide",
                                   help="what to do with a case")
    opening = _command(case_sub, "open", "open a case with its first step (交付申請)",
                       "hojo case open request.json   # {program, fiscal_year, on, facts[, cost_lines]}")
    opening.add_argument("request", help="REQUEST.json: {program, fiscal_year, on, facts[, cost_lines]}")
    opening.add_argument("--by", default="cli", help="the applicant's name recorded with the case (default: cli)")
    step = _command(case_sub, "step", "take the case's next step (交付決定, 実績報告, 額の確定, 返還 …)",
                    "hojo case step 6f1c… step.json   # {step, on[, cost_lines, facts, granted_yen, amount_yen]}")
    step.add_argument("case_id", help="the case_id printed by `hojo case open`")
    step.add_argument("request", help="STEP.json: {step, on[, cost_lines, facts, granted_yen, amount_yen]}")
    step.add_argument("--by", default="cli", help="who takes the step, recorded with it (default: cli)")
    for name, text in (("show", "a case: its steps, amounts and what is due by when"),
                       ("replay", "recompute every step of a case; exit 1 on any difference or broken link"),
                       ("redecide", "the case's steps under today's rules, with what would change")):
        _command(case_sub, name, text, f"hojo case {name} 6f1c…").add_argument(
            "case_id", help="the case_id printed by `hojo case open`")
    listing = _command(case_sub, "list", "cases: open ones, amounts to return, overdue steps",
                       "hojo case list --program kokuho_healthup_municipal --overdue-on 2026-06-01")
    listing.add_argument("--program", help="only this program's cases")
    listing.add_argument("--fiscal-year", type=int, help="only cases of this fiscal year")
    listing.add_argument("--status", choices=["open", "closed"], help="only open or only closed cases")
    listing.add_argument("--to-return", action="store_true", help="only cases with an amount still to return")
    listing.add_argument("--overdue-on", type=_iso_date,
                         help="only cases whose next step was due before this ISO date")
    case.set_defaults(run=_with_service(_case))
    batch = _command(sub, "batch", "decide a file of applications (CSV, JSON Lines, Parquet) and record them",
                     "hojo batch --program kouki_hokenryo --fiscal-year 2024 --in insured.csv --out answers.parquet")
    batch.add_argument("--program", required=True, help="the program id, e.g. kouki_hokenryo")
    batch.add_argument("--fiscal-year", type=int, required=True, help="the fiscal year decided (e.g. 2024)")
    batch.add_argument("--version", type=int, help="pin a rule version")
    batch.add_argument("--in", dest="input", required=True,
                       help='CSV or Parquet (one column per fact, optional "id"), or JSON Lines ({"id"?, "facts"})')
    batch.add_argument("--out", required=True, help="the answers: .jsonl, .csv or .parquet")
    batch.add_argument("--format", choices=["csv", "jsonl", "parquet"], help="the input's format (default: by suffix)")
    batch.add_argument("--out-format", choices=["csv", "jsonl", "parquet"], help="default: by the --out suffix")
    batch.add_argument("--no-record", action="store_true", help="screening only: decide, write, record nothing")
    batch.add_argument("--db", help=_DB_HELP)
    batch.set_defaults(run=_with_service(_batch))
    keygen = _command(sub, "keygen", "make an Ed25519 key to sign tree heads with (and KEY.pub)",
                      "hojo keygen var/signing.key")
    keygen.add_argument("path", help="where to write the private key, e.g. var/signing.key")
    keygen.set_defaults(run=_keygen)
    verify_receipt = _command(sub, "verify-receipt", "check a decision's receipt offline (no database)",
                              "hojo verify-receipt receipt.json --public-key var/signing.key.pub")
    verify_receipt.add_argument("receipt", help="RECEIPT.json from GET /v1/decisions/{id}/receipt")
    verify_receipt.add_argument("--public-key", required=True, help="the operator's public key (PEM, or the JSON "
                                                                    "of GET /v1/log/public-key)")
    verify_receipt.add_argument("--later-head", help="a later signed head (GET /v1/log/head) ...")
    verify_receipt.add_argument("--consistency", help="... and the proof to it (GET /v1/log/consistency?from=&to=)")
    verify_receipt.add_argument("--json", action="store_true", help="also print the result as JSON")
    verify_receipt.set_defaults(run=_verify_receipt)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(args.run(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader closed the pipe (`hojo export | head`): stop quietly. stdout is pointed at /dev/null so
        # the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
