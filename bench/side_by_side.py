"""hojo side by side with its peers: in-process, HTTP load, replay and impact; one table at the end.

Run by ``bench/run`` inside ``.venv-bench`` (the peers are installed there only, by the ``bench`` extra):

    bench/run            # the full mode (about 6-7 minutes on 2 cores)
    bench/run --quick    # a shortened mode (under 2 minutes)

Phases, on the FY2024 municipal ヘルスアップ decision and the 120 fact sets of ``bench/decide_inprocess.py``:

0. agreement: for every fact set, zen-engine (``bench/peers/zen_healthup.json``), OpenFisca single and
   OpenFisca batch (``bench/peers/openfisca_healthup.py``) give exactly hojo's eligible, cap_yen and
   amount_yen; any mismatch aborts the run before anything is timed;
1. in-process µs per decision: hojo ``Decider.validate_facts`` + ``Decider.decide`` (validation, engine,
   amounts, reasons), zen-engine ``ZenEngine.evaluate`` (one graph, precompiled once), OpenFisca one
   single-entity simulation per decision, OpenFisca one vectorised simulation of N (per-decision figure);
2. HTTP on loopback: ``hojo serve`` with the durable chained SQLite log (WAL, synchronous=FULL), 1 and 2
   workers, 1, 8 and 32 concurrent clients, each phase bounded in time (wrk, or the asyncio+httpx
   generator below, bounded in count and time); afterwards every 200 is in the store and the chain verifies;
3. replay and impact over 100,000 logged decisions in a temp SQLite store: ``Auditor.replay_all`` with
   jobs=1 (one process) and jobs=2 (two forked processes, as ``hojo replay --jobs 2``), and
   ``Auditor.impact`` with a draft (基準額① 1～5万人未満 4,500 → 5,000千円, as in tests/test_audit.py);
4. observing a request (``bench/metrics_cost.py``): ``POST /v1/decisions`` through the whole app
   in-process with metrics off, on, and on with the JSON request log, in interleaved rounds (CPU µs per
   request), the instrument calls alone, and the time to render ``/metrics``.
5. evidence: the cost of the Merkle tree and the signed tree heads (issue 12) on HTTP throughput: 2 workers,
   32 clients, alternately without a signing key (no tree, no heads) and with one (the tree extended and a
   head signed every 1,024 records or 1,000 ms in each worker), several rounds; then a receipt is fetched
   and verified offline.

Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH), str(BENCH / "peers")]

from decide_inprocess import FISCAL_YEAR, PROGRAM, cpu_model, fact_sets, file_system  # noqa: E402
from metrics_cost import run_metrics_cost  # noqa: E402
from metrics_cost import table as metrics_table  # noqa: E402

from service.core.decide import Decider  # noqa: E402
from service.decisions import DecisionService  # noqa: E402
from service.kernel.config import Paths  # noqa: E402
from service.rulebook.registry import Rulebook  # noqa: E402
from service.store import open_store  # noqa: E402

HOST = "127.0.0.1"
COMPARED = ("eligible", "cap_yen", "amount_yen")
OLD_BAND = "- {at_least: 10000, under: 50000, amount: 4500, label_ja: 1～5万人未満}"
NEW_BAND = "- {at_least: 10000, under: 50000, amount: 5000, label_ja: 1～5万人未満}"


# -- helpers ----------------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def hardware() -> dict[str, Any]:
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    mem = next((line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "?")
    return {"cpu": cpu_model(), "nproc": nproc, "usable_cores": len(os.sched_getaffinity(0)), "memory": mem,
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "kernel": platform.release(), "tmp_fs": file_system(Path(tempfile.gettempdir())),
            "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "packages": {name: _version_of(name) for name in ("durable-rules", "fastapi", "uvicorn", "jsonschema",
                                                              "zen-engine", "OpenFisca-Core", "numpy", "cryptography")}}


def _version_of(name: str) -> str:
    try:
        return version(name)
    except Exception:  # a peer absent from this venv (--skip agreement --skip inprocess)
        return "not installed"


def hojo_setup() -> tuple[Rulebook, Decider, Any]:
    paths = Paths()
    rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
    return rulebook, Decider(rulebook), rulebook.select(PROGRAM, FISCAL_YEAR)


# -- phase 0 and 1: agreement, then in-process ------------------------------------------------------------
ZEN_KEY = "zen_healthup.json"


def peers() -> tuple[Any, Any, Any]:
    """(zen engine with the graph behind a loader, the OpenFisca module, its tax-benefit system)."""
    import openfisca_healthup
    import zen

    content = (BENCH / "peers" / ZEN_KEY).read_text(encoding="utf-8")
    engine = zen.ZenEngine({"loader": lambda key: content})
    engine.create_decision(content).validate()
    return engine, openfisca_healthup, openfisca_healthup.build_system()


def zen_result(response: Mapping[str, Any]) -> dict[str, Any]:
    result = response["result"]
    cap = result.get("cap_yen")
    return {"eligible": bool(result["eligible"]), "cap_yen": None if cap is None else int(cap),
            "amount_yen": int(result["amount_yen"])}


def check_agreement() -> int:
    """Assert that every peer gives hojo's figures on every fact set; return how many were compared."""
    _, decider, rv = hojo_setup()
    zen_engine, of, system = peers()
    applications = fact_sets()
    batch = of.decide_batch(system, applications)
    mismatches = []
    for i, facts in enumerate(applications):
        body = decider.decide(rv, decider.validate_facts(rv, facts))
        expected = {key: body[key] for key in COMPARED}
        got = {"zen-engine": zen_result(zen_engine.evaluate(ZEN_KEY, facts)), "openfisca": of.decide_one(system, facts),
               "openfisca-batch": batch[i]}
        for peer, result in got.items():
            if result != expected:
                mismatches.append(f"fact set {i} {facts}: hojo {expected}, {peer} {result}")
    if mismatches:
        raise SystemExit("peer mismatch, aborting:\n  " + "\n  ".join(mismatches))
    return len(applications)


def time_calls(call: Callable[[Mapping[str, Any]], Any], applications: Sequence[Mapping[str, Any]], n: int,
               start: int = 0) -> tuple[float, list[int]]:
    """Return (wall seconds, per-call nanoseconds) of ``n`` calls over the rotating applications."""
    samples = []
    clock = time.perf_counter_ns
    wall = time.perf_counter()
    for i in range(start, start + n):
        begin = clock()
        call(applications[i % len(applications)])
        samples.append(clock() - begin)
    return time.perf_counter() - wall, samples


def run_inprocess(n: int, n_openfisca: int, batch_n: int, rounds: int = 5) -> dict[str, Any]:
    """Time every engine in ``rounds`` interleaved rounds; report the median round's mean per decision.

    Interleaving keeps the ratios fair on a machine shared with other work: a burst of someone else's
    load falls on one round of every engine rather than on one engine's whole run.
    """
    _, decider, rv = hojo_setup()
    zen_engine, of, system = peers()
    applications = fact_sets()
    decision = zen_engine.get_decision(ZEN_KEY)
    engines: dict[str, tuple[Callable[[Mapping[str, Any]], Any], int]] = {
        "hojo": (lambda facts: decider.decide(rv, decider.validate_facts(rv, facts)), n),
        "zen-engine": (lambda facts: zen_engine.evaluate(ZEN_KEY, facts), n),
        # The same graph through a ZenDecision handle is slower on this binding (context only).
        "zen-engine-decision": (decision.evaluate, n),
        "openfisca": (lambda facts: of.decide_one(system, facts), n_openfisca),
    }
    for call, _ in engines.values():  # warm-up
        time_calls(call, applications, 240)
    round_means: dict[str, list[float]] = {name: [] for name in engines}
    samples: dict[str, list[int]] = {name: [] for name in engines}
    batch = [applications[i % len(applications)] for i in range(batch_n)]
    of.decide_batch(system, batch[:1000])
    batch_runs = []
    for r in range(rounds):
        say(f"in-process: round {r + 1}/{rounds}: hojo, zen-engine × 2, OpenFisca × {n_openfisca // rounds:,}, "
            f"OpenFisca batch of {batch_n:,}")
        for name, (call, count) in engines.items():
            per_round = count // rounds
            wall, ns = time_calls(call, applications, per_round, start=r * per_round)
            round_means[name].append(wall / per_round * 1e6)
            samples[name] += ns
        begin = time.perf_counter()
        results = of.decide_batch(system, batch)
        batch_runs.append(time.perf_counter() - begin)
        assert len(results) == batch_n
    out: dict[str, Any] = {}
    for name, (_, count) in engines.items():
        means = sorted(round_means[name])
        out[name] = {"n": count // rounds * rounds, "mean_us": means[len(means) // 2], "best_round_us": means[0],
                     "worst_round_us": means[-1], "p50_us": percentile(samples[name], 0.5) / 1000,
                     "p99_us": percentile(samples[name], 0.99) / 1000}
    batch_runs.sort()
    median = batch_runs[len(batch_runs) // 2]
    out["openfisca-batch"] = {"n": batch_n, "mean_us": median / batch_n * 1e6, "batch_seconds": median,
                              "best_round_us": batch_runs[0] / batch_n * 1e6,
                              "worst_round_us": batch_runs[-1] / batch_n * 1e6, "p50_us": None, "p99_us": None}
    return out


# -- phase 2: HTTP load -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def request_bodies() -> list[str]:
    return [json.dumps({"program": PROGRAM, "fiscal_year": FISCAL_YEAR, "facts": facts}, ensure_ascii=False,
                       separators=(",", ":")) for facts in fact_sets()]


WRK_LUA = r"""
local bodies, i = {}, 0
local file = assert(io.open("%s", "r"))
for line in file:lines() do bodies[#bodies + 1] = line end
file:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, "/v1/decisions", nil, bodies[i])
end
"""


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unreadable wrk duration {text!r}")
    value, unit = float(match[1]), match[2]
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def wrk_phase(port: int, clients: int, seconds: float, lua: Path) -> dict[str, Any]:
    threads = min(clients, 2)
    command = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{int(seconds)}s", "--latency", "--timeout", "5s",
               "-s", str(lua), f"http://{HOST}:{port}/v1/decisions"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    latency = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", done, re.M))
    if "50" not in latency or "99" not in latency:
        raise SystemExit(f"wrk printed no latency percentiles:\n{done}")
    completed = int(re.search(r"(\d+) requests in", done)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", done)
    return {"clients": clients, "requests": completed, "non_2xx": int(bad[1]) if bad else 0,
            "socket_errors": sum(map(int, errors.groups())) if errors else 0,
            "per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", done)[1]),  # type: ignore[index]
            "p50_ms": _duration_ms(latency["50"]), "p99_ms": _duration_ms(latency["99"]), "generator": "wrk"}


async def _httpx_phase(port: int, clients: int, seconds: float, max_requests: int) -> dict[str, Any]:
    import httpx

    bodies = [body.encode() for body in request_bodies()]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    issued = 0

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal issued
        while time.perf_counter() < deadline and issued < max_requests:
            body = bodies[issued % len(bodies)]
            issued += 1
            start = time.perf_counter()
            response = await http.post("/v1/decisions", content=body, headers={"content-type": "application/json"})
            latencies.append((time.perf_counter() - start) * 1e3)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", limits=limits, timeout=10) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {"clients": clients, "requests": len(latencies), "non_2xx": len(latencies) - statuses.get(200, 0),
            "socket_errors": 0, "per_second": len(latencies) / elapsed, "p50_ms": percentile(latencies, 0.5),
            "p99_ms": percentile(latencies, 0.99), "generator": "python asyncio+httpx"}


def httpx_phase(port: int, clients: int, seconds: float) -> dict[str, Any]:
    return asyncio.run(_httpx_phase(port, clients, seconds, max_requests=int(seconds * 5000)))


class Server:
    """``hojo serve`` on a free loopback port with a fresh SQLite store, for one worker count."""

    def __init__(self, workers: int, directory: Path, label: str = "", env: Mapping[str, str] | None = None) -> None:
        self.workers, self.port = workers, free_port()
        self.db = directory / f"load-{workers}w{label}.sqlite3"
        self.log = (directory / f"server-{workers}w{label}.log").open("w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("hojo")), "serve", "--host", HOST, "--port", str(self.port), "--db", f"sqlite:///{self.db}",
             "--workers", str(workers), "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**{k: v for k, v in os.environ.items() if k != "HOJO_SIGNING_KEY_FILE"}, **(env or {})})

    def wait_ready(self, timeout: float = 60) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"hojo serve exited with {self.process.returncode}; see {self.log.name}")
            try:
                if httpx.get(f"http://{HOST}:{self.port}/healthz", timeout=1).status_code == 200:
                    time.sleep(1.5 if self.workers > 1 else 0.2)  # let every worker finish loading the rules
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"hojo serve did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the uvicorn supervisor and its workers, ours only
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


#: worker counts of ``hojo serve`` (2 workers bind an IPPROTO_TCP socket, so connections get TCP_NODELAY)
SERVERS = (1, 2)


def run_http(servers: Sequence[int], client_counts: Sequence[int], seconds: float, directory: Path,
             generator: str, profile: Path | None = None) -> list[dict[str, Any]]:
    lua = directory / "bodies.lua"
    bodies_file = directory / "bodies.jsonl"
    bodies_file.write_text("\n".join(request_bodies()) + "\n", encoding="utf-8")
    lua.write_text(WRK_LUA % bodies_file, encoding="utf-8")
    phase = (lambda port, clients, secs: wrk_phase(port, clients, secs, lua)) if generator == "wrk" else httpx_phase
    out = []
    for workers in servers:
        server = Server(workers, directory)
        label = f"{workers} worker(s)"
        mine = []
        try:
            server.wait_ready()
            say(f"http: {label}, warm-up 2 s")
            warm = phase(server.port, max(client_counts), 2)
            ok_total = warm["requests"] - warm["non_2xx"]
            for clients in client_counts:
                say(f"http: {label}, {clients} client(s), {seconds:.0f} s")
                spy = None
                if profile and clients == max(client_counts):
                    spy = py_spy(server.process.pid, seconds, profile / f"server-{workers}w-py-spy.txt",
                                 subprocesses=workers > 1)
                result = {"workers": workers, **phase(server.port, clients, seconds)}
                if spy:
                    spy.wait(timeout=seconds + 30)
                ok_total += result["requests"] - result["non_2xx"]
                mine.append(result)
        finally:
            server.stop()
        store = open_store(f"sqlite:///{server.db}")
        try:
            rows = store.count()
            paths = Paths()
            auditor = DecisionService(Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds), store,
                                      paths).auditor
            chain = auditor.verify()
        finally:
            store.close()
        if rows < ok_total or not chain["ok"]:
            raise SystemExit(f"{workers} worker(s): {ok_total} answered 200 but the store holds {rows} "
                             f"rows, chain {chain}")
        for result in mine:
            result.update(store_rows=rows, chain_ok=chain["ok"])
        out += mine
    for workers in servers:
        raw = profile / f"server-{workers}w-py-spy.txt" if profile else None
        if raw and raw.exists():
            summarize_collapsed(raw, raw.with_name(f"server-{workers}w-py-spy-summary.txt"))
            raw.unlink()  # the summary is what is kept
    return out


def run_evidence(seconds: float, directory: Path, generator: str, rounds: int = 3) -> dict[str, Any]:
    """HTTP throughput without and with the tree and batched signed heads (alternating rounds), and a receipt."""
    import httpx

    from service.audit.evidence import generate_key, load_public_key, verify_receipt

    key = directory / "signing.key"
    generate_key(key)
    lua = directory / "bodies.lua"
    bodies_file = directory / "bodies.jsonl"
    bodies_file.write_text("\n".join(request_bodies()) + "\n", encoding="utf-8")
    lua.write_text(WRK_LUA % bodies_file, encoding="utf-8")
    phase = (lambda port, clients, secs: wrk_phase(port, clients, secs, lua)) if generator == "wrk" else httpx_phase
    runs: dict[str, list[float]] = {"without": [], "with": []}
    receipt_ok, heads = False, 0
    for index in range(rounds):
        for mode in ("without", "with") if index % 2 == 0 else ("with", "without"):
            env = {"HOJO_SIGNING_KEY_FILE": str(key)} if mode == "with" else {}
            server = Server(2, directory, f"-{mode}-{index}", env)
            try:
                server.wait_ready()
                phase(server.port, 32, 2)  # warm-up
                say(f"evidence: {mode} signed heads, round {index + 1}/{rounds}, 32 clients, {seconds:.0f} s")
                runs[mode].append(phase(server.port, 32, seconds)["per_second"])
                if mode == "with" and index == 0:
                    time.sleep(1.2)  # one batch interval: the last records are in a signed head
                    base = f"http://{HOST}:{server.port}"
                    listing = httpx.get(f"{base}/v1/decisions", params={"limit": 1}, timeout=10).json()
                    decision_id = listing["decisions"][0]["decision_id"]
                    receipt = httpx.get(f"{base}/v1/decisions/{decision_id}/receipt", timeout=10).json()
                    public = load_public_key(httpx.get(f"{base}/v1/log/public-key", timeout=10).content)
                    receipt_ok = verify_receipt(receipt, public)["ok"]
            finally:
                server.stop()
            if mode == "with":
                store = open_store(f"sqlite:///{server.db}")
                try:
                    heads = max(heads, len(store.tree_heads()))
                finally:
                    store.close()
    without, with_ = sorted(runs["without"])[len(runs["without"]) // 2], sorted(runs["with"])[len(runs["with"]) // 2]
    return {"rounds": rounds, "seconds": seconds, "without": runs["without"], "with": runs["with"],
            "median_without": without, "median_with": with_, "cost_percent": 100 * (without - with_) / without,
            "receipt_verified": receipt_ok, "signed_heads_in_first_run": heads, **tree_cost(directory, key)}


def tree_cost(directory: Path, key: Path, n: int = 5_000) -> dict[str, float]:
    """In-process, undisturbed by the load generator: CPU time of the tree and a head per record, and of a receipt."""
    from service.audit.evidence import Notary, load_private_key

    store = open_store(f"sqlite:///{directory / 'tree-cost.sqlite3'}")
    try:
        for i in range(n):
            store.append({"decision_id": f"t-{i}", "program": "p", "fiscal_year": 2024, "rules_version": 1,
                          "rules_sha256": "c" * 64, "decided_at": "2026-12-01T00:00:00+00:00", "amount_yen": i},
                         {"i": i}, "rule text")
        notary = Notary(store, load_private_key(key))
        started = time.process_time()
        notary.head()  # the tree over n new records, one root, one signature, one head kept
        tree_s = time.process_time() - started
        started = time.process_time()
        for i in range(0, n, n // 200):
            notary.receipt(store.record(f"t-{i}"))
        receipt_s = (time.process_time() - started) / 200
    finally:
        store.close()
    return {"tree_us_per_record": tree_s / n * 1e6, "receipt_ms": receipt_s * 1000}


# -- profiles ---------------------------------------------------------------------------------------------
def py_spy(pid: int, seconds: float, out: Path, subprocesses: bool = False) -> subprocess.Popen[bytes]:
    """Sample the hojo serve process (and, with several workers, its worker processes) into collapsed stacks."""
    return subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid),
                             "--duration", str(max(1, int(seconds) - 1)), "--rate", "250", "--format", "raw",
                             "--nonblocking", *(["--subprocesses"] if subprocesses else []), "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summarize_collapsed(raw: Path, out: Path, top: int = 40) -> None:
    """Inclusive share of each frame, then self share of each function, from py-spy's collapsed stacks."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
        leaf = re.sub(r":\d+\)$", ")", frames[-1])  # the function, whatever line of it was running
        own[leaf] = own.get(leaf, 0) + int(count)

    def ranked(shares: dict[str, int]) -> list[str]:
        return [f"{100 * n / total:5.1f}%  {frame}" for frame, n in sorted(shares.items(), key=lambda kv: -kv[1])
                [:top]]

    out.write_text(f"py-spy, {total} samples, inclusive share per frame\n" + "\n".join(ranked(inclusive))
                   + "\n\nself share per function (the leaf frame of each sample)\n" + "\n".join(ranked(own))
                   + "\n", encoding="utf-8")


def pyinstrument_profiles(directory: Path, replay_n: int) -> None:
    """pyinstrument text reports: hojo in-process decisions, and replay_all over ``replay_n`` decisions."""
    from pyinstrument import Profiler

    _, decider, rv = hojo_setup()
    applications = fact_sets()
    for facts in applications * 4:
        decider.decide(rv, decider.validate_facts(rv, facts))
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for i in range(5_000):
        facts = applications[i % len(applications)]
        decider.decide(rv, decider.validate_facts(rv, facts))
    profiler.stop()
    (directory / "inprocess-pyinstrument.txt").write_text(
        profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="hojo-bench-profile-") as tmp:
        store, service = _filled_store(Path(tmp), replay_n)
        try:
            profiler = Profiler(interval=0.0005)
            profiler.start()
            service.auditor.replay_all(jobs=1)  # pyinstrument does not follow forked children
            profiler.stop()
        finally:
            store.close()
    (directory / "replay-pyinstrument.txt").write_text(
        profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")


# -- phase 3: replay and impact ----------------------------------------------------------------------------
def _filled_store(directory: Path, n: int) -> tuple[Any, DecisionService]:
    """A temp SQLite store holding ``n`` logged decisions, and the service over it."""
    paths = Paths()
    rulebook = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds)
    store = open_store(f"sqlite:///{directory / 'replay.sqlite3'}")
    try:
        service = DecisionService(rulebook, store, paths)
        applications = fact_sets()
        rv = rulebook.select(PROGRAM, FISCAL_YEAR)
        # Generation is set-up, not a figure: each distinct application is decided by DecisionService.decide
        # (request envelope, validation, engine, amounts, reasons, append), then the log is filled in bulk by
        # store.append of those decisions with fresh ids and times, through the same hash chain, with
        # fsync off for the generation only (the durable figure is the HTTP phase's).
        store._db.execute("PRAGMA synchronous=OFF")  # noqa: SLF001 - benchmark set-up only
        say(f"replay: generating {n:,} logged decisions")
        started = time.perf_counter()
        templates = []
        for facts in applications[:n]:
            decision = service.decide({"program": PROGRAM, "fiscal_year": FISCAL_YEAR, "facts": facts})
            templates.append((decision, service.decider.validate_facts(rv, facts)))
        for i in range(n - len(templates)):
            decision, facts = templates[i % len(templates)]
            copy = {**decision, "decision_id": str(uuid.uuid4()),
                    "decided_at": datetime.now(UTC).isoformat(timespec="microseconds")}
            store.append(copy, facts, rv.text)
        service.generated_seconds = time.perf_counter() - started  # type: ignore[attr-defined]
        assert store.count() == n
    except BaseException:
        store.close()
        raise
    return store, service


#: replay_all's process counts: one process, and one per core of the 2-core target machine
REPLAY_JOBS = (1, 2)


def run_replay(n: int, directory: Path) -> dict[str, Any]:
    paths = Paths()
    store, service = _filled_store(directory, n)
    rv = service.rulebook.select(PROGRAM, FISCAL_YEAR)
    try:
        generated = service.generated_seconds  # type: ignore[attr-defined]
        replay: dict[int, float] = {}
        for jobs in REPLAY_JOBS:
            say(f"replay: Auditor.replay_all(jobs={jobs}) over {n:,}")
            started = time.perf_counter()  # includes forking the pool and merging its results
            summary = service.auditor.replay_all(jobs=jobs)
            replay[jobs] = time.perf_counter() - started
            if summary["identical"] != n or summary["jobs"] != jobs:
                raise SystemExit(f"replay jobs={jobs}: {summary['identical']} of {n} identical, jobs "
                                 f"{summary['jobs']}; {summary['failures'][:3]}")
        say(f"replay: Auditor.impact over {n:,}")
        draft_dir = directory / "draft"
        target = draft_dir / PROGRAM / "v3.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = rv.text
        assert text.count(OLD_BAND) == 1
        target.write_text(text.replace(OLD_BAND, NEW_BAND).replace("version: 2\nstatus: published",
                                                                   "version: 3\nstatus: draft"), encoding="utf-8")
        draft = Rulebook.from_dir(draft_dir, paths.schemas, paths.seeds)
        started = time.perf_counter()
        report = service.auditor.impact(draft.all_versions())  # columnar (core/columnar.py)
        impact_s = time.perf_counter() - started
        assert report["scanned"] == n
        say(f"replay: Auditor.impact per record over {n:,} (the same report, for comparison)")
        started = time.perf_counter()
        per_record = service.auditor.impact(draft.all_versions(), columnar=False)
        impact_record_s = time.perf_counter() - started
        for one in (report, per_record):
            one.pop("elapsed_seconds")
        assert report == per_record, "the columnar impact differs from the per-record impact"
        started = time.perf_counter()
        chain = service.auditor.verify()
        verify_s = time.perf_counter() - started
        assert chain["ok"], chain
        db_mb = (directory / "replay.sqlite3").stat().st_size / 1e6
    finally:
        store.close()
    return {"n": n, "generate_per_second": n / generated,
            "replay": [{"jobs": jobs, "per_second": n / secs, "seconds": secs} for jobs, secs in replay.items()],
            "impact_per_second": n / impact_s, "impact_seconds": impact_s,
            "impact_per_record_seconds": impact_record_s,
            "impact_1m_seconds_extrapolated": impact_s * 1_000_000 / n,
            "impact_changed": report["total"]["changed"], "impact_yen_delta": report["total"]["yen_delta"],
            "verify_per_second": n / verify_s, "db_mb": db_mb}


# -- phase 4: batch decisions (the columnar evaluator) ----------------------------------------------------------
def _kouki_csv(path: Path, n: int) -> None:
    """``n`` 後期 premium applications (FY2025), the income base spread over 0-8,000,000 yen."""
    reductions = "0257"
    with path.open("w", encoding="utf-8") as out:
        out.write("id,is_kouki_insured,income_base_yen,kintowari_yen,shotokuwari_rate,kintowari_reduction\n")
        for i in range(n):
            out.write(f"{i},{'true' if i % 50 else 'false'},{(i * 7919) % 8_000_001},50500,10.70%,"
                      f"{reductions[i % 4]}\n")


def run_batch(batch_n: int, kouki_n: int, directory: Path, rounds: int = 5) -> dict[str, Any]:
    """hojo's columnar batch beside OpenFisca's vectorised simulation on the same table, then ``hojo batch``."""
    from service.core.columnar import decide_frame, decide_rows, facts_frame

    _, decider, rv = hojo_setup()
    _, of, system = peers()
    applications = fact_sets()
    # Agreement first: the columnar answers equal the engine of record's on every fact set, or nothing is timed.
    columnar = decide_rows(decider, rv, [dict(f) for f in applications])
    assert columnar.how == ["columnar"] * len(applications), columnar.fallback_reason
    for i, facts in enumerate(applications):
        body = decider.decide(rv, decider.validate_facts(rv, facts))
        got = (columnar.eligible[i], columnar.cap_yen[i], columnar.amount_yen[i])
        if got != tuple(body[k] for k in COMPARED):
            raise SystemExit(f"columnar mismatch on fact set {i} {facts}: {got}")
    batch = [applications[i % len(applications)] for i in range(batch_n)]
    frame = facts_frame(rv, [decider.validate_facts(rv, f) for f in batch])
    decide_rows(decider, rv, [dict(f) for f in batch[:1000]])  # warm-up
    of.decide_batch(system, batch[:1000])
    hojo_runs, frame_runs, of_runs = [], [], []
    for r in range(rounds):
        say(f"batch: round {r + 1}/{rounds}: hojo columnar and OpenFisca vectorised, {batch_n:,} each")
        rows = [dict(f) for f in batch]
        begin = time.perf_counter()
        result = decide_rows(decider, rv, rows)
        hojo_runs.append(time.perf_counter() - begin)
        assert result.how.count("columnar") == batch_n
        begin = time.perf_counter()
        decide_frame(decider, rv, frame, want_facts=False)
        frame_runs.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        of.decide_batch(system, batch)
        of_runs.append(time.perf_counter() - begin)
    median = {name: sorted(runs)[len(runs) // 2] / batch_n * 1e6
              for name, runs in (("hojo", hojo_runs), ("frame", frame_runs), ("openfisca", of_runs))}
    # hojo batch: a CSV of 後期 premiums decided, recorded (one log record each, group commits) and written.
    source, answers, db = directory / "kouki.csv", directory / "kouki.out.parquet", directory / "batch.sqlite3"
    _kouki_csv(source, kouki_n)
    say(f"batch: hojo batch of {kouki_n:,} 後期 premiums (CSV in, Parquet out, every decision recorded)")
    begin = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "service.cli", "batch", "--program", "kouki_hokenryo",
                           "--fiscal-year", "2025", "--in", str(source), "--out", str(answers),
                           "--db", f"sqlite:///{db}"], cwd=REPO, capture_output=True, text=True, timeout=1800)
    cli_seconds = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"hojo batch failed: {done.stderr[-2000:]}")
    summary = json.loads(done.stderr[done.stderr.index("{"):])
    store = open_store(f"sqlite:///{db}")
    try:
        recorded = store.count()
        assert summary["columnar"] == kouki_n and recorded == kouki_n, (summary, recorded)
        # Impact over that log: a draft raising the FY2025 ceiling (賦課限度額) from 800,000 to 850,000 yen.
        paths = Paths()
        kouki = Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds).select("kouki_hokenryo", 2025)
        draft_dir = directory / "kouki-draft"
        (draft_dir / "kouki_hokenryo").mkdir(parents=True, exist_ok=True)
        assert kouki.text.count("value: {yen: 800000}") == 1
        (draft_dir / "kouki_hokenryo" / f"v{kouki.version + 1}.yaml").write_text(
            kouki.text.replace("value: {yen: 800000}", "value: {yen: 850000}").replace(
                f"version: {kouki.version}\nstatus: published", f"version: {kouki.version + 1}\nstatus: draft"),
            encoding="utf-8")
        draft = Rulebook.from_dir(draft_dir, paths.schemas, paths.seeds).all_versions()
        auditor = DecisionService(Rulebook.from_dir(paths.rules, paths.schemas, paths.seeds), store, paths).auditor
        say(f"batch: Auditor.impact over the {kouki_n:,} recorded premiums (ceiling 800,000 → 850,000)")
        begin = time.perf_counter()
        report = auditor.impact(draft)
        impact_seconds = time.perf_counter() - begin
        assert report["scanned"] == kouki_n
    finally:
        store.close()
    return {"n": batch_n, "hojo_us": median["hojo"], "hojo_from_table_us": median["frame"],
            "openfisca_batch_us": median["openfisca"], "hojo_over_openfisca": median["hojo"] / median["openfisca"],
            "rounds_us": {"hojo": [t / batch_n * 1e6 for t in hojo_runs],
                          "openfisca": [t / batch_n * 1e6 for t in of_runs]},
            "hojo_batch_cli": {"n": kouki_n, "seconds": cli_seconds, "per_second": kouki_n / cli_seconds,
                               "recorded": recorded, "columnar": summary["columnar"],
                               "extrapolated_1m_seconds": cli_seconds * 1_000_000 / kouki_n},
            "impact_over_batch_log": {"n": kouki_n, "seconds": impact_seconds, "changed": report["total"]["changed"],
                                      "yen_delta": report["total"]["yen_delta"],
                                      "extrapolated_1m_seconds": impact_seconds * 1_000_000 / kouki_n}}


# -- the table ------------------------------------------------------------------------------------------------
def table(results: Mapping[str, Any]) -> str:
    hw = results["hardware"]
    lines = [f"hardware: {hw['cpu']}; nproc {hw['nproc']}; {hw['memory']} RAM; {hw['python']}; "
             f"Linux {hw['kernel']}; /tmp on {hw['tmp_fs']}",
             "packages: " + ", ".join(f"{k} {v}" for k, v in hw["packages"].items()),
             f"load average (1, 5, 15 min): {hw['load_average_at_start']} at start, "
             f"{results.get('load_average_at_end', '?')} at end; mode {results['mode']}",
             f"agreement: zen-engine, OpenFisca and OpenFisca batch equal hojo's eligible/cap_yen/amount_yen "
             f"on all {results.get('agreement', '(skipped)')} fact sets", ""]
    inproc = results.get("inprocess") or {}
    hojo_us = inproc["hojo"]["mean_us"] if inproc else 0.0
    lines += [] if not inproc else [
              "In-process, FY2024 municipal ヘルスアップ, µs per decision (same 120 fact sets, one process)", "",
              "| engine | what one decision is | n | µs/decision (median of rounds) | rounds min–max | p50 µs "
              "| p99 µs | hojo/peer (time) | target |",
              "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    what = {"hojo": "validate_facts + decide (schema, engine, amounts, reasons ja/en)",
            "zen-engine": "ZenEngine.evaluate(key) of the JDM graph, compiled once (figures only)",
            "zen-engine-decision": "the same through ZenDecision.evaluate (context)",
            "openfisca": "one single-entity simulation (figures only)",
            "openfisca-batch": "one vectorised simulation of N, divided by N (context)"}
    for name, row in inproc.items():
        ratio = "—" if name == "hojo" else f"{hojo_us / row['mean_us']:.2f}"
        target = "—"
        if name in ("zen-engine", "openfisca"):
            target = "met" if hojo_us * 2 <= row["mean_us"] else f"missed ({hojo_us / row['mean_us'] * 2:.1f}× off)"
        p50 = "—" if row["p50_us"] is None else f"{row['p50_us']:.1f}"
        p99 = "—" if row["p99_us"] is None else f"{row['p99_us']:.1f}"
        spread = f"{row['best_round_us']:.1f}–{row['worst_round_us']:.1f}"
        lines.append(f"| {name} | {what[name]} | {row['n']:,} | {row['mean_us']:.1f} | {spread} | {p50} | {p99} "
                     f"| {ratio} | {target} |")
    if inproc:
        lines += ["", "target: hojo/peer ≤ 0.50 against zen-engine and OpenFisca single", ""]
    if results.get("http"):
        generator = results["http"][0]["generator"]
        lines += [f"HTTP on loopback, POST /v1/decisions, durable chained SQLite log (WAL, synchronous=FULL); "
                  f"load generator {generator} on the same {hw['nproc']} cores", "",
                  "| server | workers | clients | seconds | requests | decisions/s | p50 ms | p99 ms | non-2xx "
                  "| in store, chain |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for row in results["http"]:
            lines.append(f"| hojo serve | {row['workers']} | {row['clients']} | {results['http_seconds']:.0f} "
                         f"| {row['requests']:,} "
                         f"| {row['per_second']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} "
                         f"| {row['non_2xx'] + row['socket_errors']} | {row['store_rows']:,}, "
                         f"{'ok' if row['chain_ok'] else 'BROKEN'} |")
        lines.append("")
        for row in results["http"]:
            if row["workers"] == 2 and row["clients"] == 32:
                met = row["per_second"] >= 1000 and row["p99_ms"] <= 25
                lines.append(f"target: ≥ 1,000 decisions/s with p99 ≤ 25 ms at 32 clients on 2 cores, 2 workers: "
                             f"{'met' if met else 'missed'} ({row['per_second']:,.0f}/s, p99 {row['p99_ms']:.1f} ms)")
        lines.append("")
    if results.get("evidence"):
        e = results["evidence"]
        lines += [f"Evidence (issue 12): POST /v1/decisions, 2 workers, 32 clients, {e['seconds']:.0f} s per run, "
                  f"{e['rounds']} alternating rounds each", "",
                  "| signed tree heads | decisions/s per round | median |", "|---|---|---:|",
                  f"| off (no key: no tree, no heads) | {', '.join(f'{x:,.0f}' for x in e['without'])} "
                  f"| {e['median_without']:,.0f} |",
                  f"| on (tree + head every 1,024 records or 1,000 ms per worker) | "
                  f"{', '.join(f'{x:,.0f}' for x in e['with'])} | {e['median_with']:,.0f} |", "",
                  f"target: receipts cost < 10% of HTTP throughput: "
                  f"{'met' if e['cost_percent'] < 10 else 'missed'} ({e['cost_percent']:+.1f}%); "
                  f"{e['signed_heads_in_first_run']} signed heads kept in the first run; a receipt fetched "
                  f"over HTTP {'verified' if e['receipt_verified'] else 'FAILED'} offline",
                  f"in-process CPU: the tree and a signed head cost {e['tree_us_per_record']:.1f} µs per record "
                  f"(a decision over HTTP costs ~2,000 µs of server CPU); a receipt {e['receipt_ms']:.2f} ms", ""]
    if results.get("replay"):
        r = results["replay"]
        lines += [f"Audit over {r['n']:,} logged decisions (temp SQLite store, {r['db_mb']:.0f} MB)", "",
                  "| operation | decisions/s | seconds |", "|---|---:|---:|",
                  *(f"| Auditor.replay_all(jobs={row['jobs']}) (exact rule text from the store, one canonical "
                    f"comparison per record) | {row['per_second']:,.0f} | {row['seconds']:.1f} |"
                    for row in r["replay"]),
                  f"| Auditor.impact (draft 基準額① 1～5万人未満 → 5,000千円: {r['impact_changed']:,} change, "
                  f"{r['impact_yen_delta']:+,} yen) | {r['impact_per_second']:,.0f} | {r['impact_seconds']:.1f} |",
                  f"| Auditor.verify (hash chain) | {r['verify_per_second']:,.0f} "
                  f"| {r['n'] / r['verify_per_second']:.1f} |",
                  ""]
        for row in r["replay"]:
            lines.append(f"target: bulk replay ≥ 5,000 decisions/s, jobs={row['jobs']}: "
                         f"{'met' if row['per_second'] >= 5000 else 'missed'} ({row['per_second']:,.0f}/s)")
        one_m = r["impact_1m_seconds_extrapolated"]
        lines.append(f"target: impact over 1,000,000 logged decisions ≤ 60 s: {'met' if one_m <= 60 else 'missed'} "
                     f"({one_m:.0f} s, extrapolated linearly from {r['n']:,}; per record it took "
                     f"{r['impact_per_record_seconds']:.1f} s for {r['n']:,})")
    if results.get("batch"):
        b, cli = results["batch"], results["batch"]["hojo_batch_cli"]
        lines += ["", f"Batch decisions, the same FY2024 municipal table of {b['n']:,} applications, µs per decision",
                  "", "| engine | what is timed | µs/decision |", "|---|---|---:|",
                  "| hojo columnar | decide_rows from the same dicts: typed table (exact JSON types), vectorised "
                  f"facts check, Polars (exact Int128) | "
                  f"{b['hojo_us']:.2f} |",
                  f"| hojo columnar from a table | decide_frame: vectorised facts check + Polars (context) | "
                  f"{b['hojo_from_table_us']:.2f} |",
                  f"| OpenFisca batch | one vectorised simulation of N, from the same dicts | "
                  f"{b['openfisca_batch_us']:.2f} |", "",
                  f"target: hojo batch ≤ OpenFisca vectorised per decision: "
                  f"{'met' if b['hojo_over_openfisca'] <= 1 else 'missed'} (ratio {b['hojo_over_openfisca']:.2f})",
                  f"target: hojo batch of 1,000,000 後期 premiums ≤ 60 s: "
                  f"{'met' if cli['extrapolated_1m_seconds'] <= 60 else 'missed'} ({cli['n']:,} in "
                  f"{cli['seconds']:.1f} s, {cli['per_second']:,.0f}/s, all recorded"
                  + ("" if cli["n"] == 1_000_000 else f"; {cli['extrapolated_1m_seconds']:.0f} s for 1,000,000 "
                                                      "extrapolated linearly") + ")"]
        imp = b["impact_over_batch_log"]
        lines.append(f"target: impact over 1,000,000 logged decisions ≤ 60 s, on the batch log of 後期 premiums: "
                     f"{'met' if imp['extrapolated_1m_seconds'] <= 60 else 'missed'} ({imp['n']:,} in "
                     f"{imp['seconds']:.1f} s, {imp['changed']:,} changed, {imp['yen_delta']:+,} yen"
                     + ("" if imp["n"] == 1_000_000 else f"; {imp['extrapolated_1m_seconds']:.0f} s for 1,000,000 "
                                                         "extrapolated linearly") + ")")
    if results.get("metrics"):
        lines += ["", metrics_table(results["metrics"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="the shortened mode (under 2 minutes)")
    parser.add_argument("--seconds", type=float, help="seconds per HTTP load phase (default 15, quick 3)")
    parser.add_argument("--replay-n", type=int, help="logged decisions to replay (default 100,000, quick 10,000)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["agreement", "inprocess", "http", "replay", "evidence", "metrics", "batch"])
    parser.add_argument("--evidence-rounds", type=int, default=3, help="alternating rounds without/with heads")
    parser.add_argument("--batch-n", type=int, help="hojo batch of this many 後期 premiums (default 1,000,000, "
                                                    "quick 100,000)")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--out", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--profile", type=Path, help="write profiles here: pyinstrument (in-process, replay "
                                                      "jobs=1) and py-spy (hojo serve, 1 and 2 workers, 32 clients)")
    args = parser.parse_args(argv)
    quick = args.quick
    seconds = args.seconds or (3 if quick else 15)
    replay_n = args.replay_n or (10_000 if quick else 100_000)
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"

    results: dict[str, Any] = {"hardware": hardware(), "mode": "quick" if quick else "full", "http_seconds": seconds}
    say(f"hardware: {results['hardware']['cpu']}, nproc {results['hardware']['nproc']}")
    if "agreement" not in args.skip:
        results["agreement"] = check_agreement()
        say(f"agreement: all {results['agreement']} fact sets equal across hojo, zen-engine and OpenFisca")
    if "inprocess" not in args.skip:
        results["inprocess"] = (run_inprocess(5_000, 1_000, 20_000) if quick
                                else run_inprocess(30_000, 5_000, 100_000))
    with tempfile.TemporaryDirectory(prefix="hojo-bench-") as tmp:
        if "http" not in args.skip:
            results["http"] = run_http(SERVERS, [1, 8, 32], seconds, Path(tmp), generator, args.profile)
        if "replay" not in args.skip:
            results["replay"] = run_replay(replay_n, Path(tmp))
        if "evidence" not in args.skip:
            results["evidence"] = run_evidence(seconds, Path(tmp), generator, args.evidence_rounds)
        if "batch" not in args.skip:
            results["batch"] = run_batch(20_000 if quick else 100_000,
                                         args.batch_n or (100_000 if quick else 1_000_000), Path(tmp))
    if "metrics" not in args.skip:
        results["metrics"] = run_metrics_cost(300, 5) if quick else run_metrics_cost(1000, 9)
    if args.profile:
        say("profiles: pyinstrument, in-process and replay")
        pyinstrument_profiles(args.profile, 5_000 if quick else 20_000)
    results["load_average_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
