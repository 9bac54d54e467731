"""A/B of the HTTP path: server CPU per request and throughput, an earlier hojo against this one, interleaved.

    git archive <commit> | tar -x -C /tmp/hojo-base      # the earlier tree (never a checkout of this one)
    .venv-bench/bin/python bench/ab_http_cpu.py /tmp/hojo-base [rounds]

Each round starts ``hojo serve --workers 2`` of each tree in turn (the same venv, the tree chosen by
PYTHONPATH from a neutral working directory) on a fresh SQLite file, warms it 2 s, then loads it with wrk,
32 connections, 5 s, and reads the CPU time its processes used from /proc. CPU per request holds up on a
machine shared with other work, where throughput alone swings by ±40 %. Loopback only; wrk required.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def one(tree: Path, port: int, directory: Path, lua: Path) -> tuple[int, float, float, str]:
    db = directory / f"ab-{port}.sqlite3"
    server = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port",
                               str(port), "--workers", "2", "--db", f"sqlite:///{db}", "--log-level", "warning"],
                              env={**os.environ, "PYTHONPATH": str(tree)}, cwd=directory, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(2)
        url = f"http://127.0.0.1:{port}/v1/decisions"
        subprocess.run(["wrk", "-t2", "-c32", "-d2s", "-s", str(lua), url], capture_output=True, check=True)
        pids = [server.pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                                              text=True).stdout.split()]
        before = cpu_seconds(pids)
        out = subprocess.run(["wrk", "-t2", "-c32", "-d5s", "--latency", "-s", str(lua), url], capture_output=True,
                             text=True, check=True).stdout
        used = cpu_seconds(pids) - before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"errors under load:\n{out}")
    n = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+(\S+)\s*$", out, re.M)
    return (n, float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), used / n * 1e6,  # type: ignore[index]
            p99[1] if p99 else "?")


def main() -> None:
    base, rounds = Path(sys.argv[1]).resolve(), int(sys.argv[2]) if len(sys.argv) > 2 else 3
    sys.path[:0] = [str(REPO), str(REPO / "bench")]
    from side_by_side import WRK_LUA, request_bodies

    with tempfile.TemporaryDirectory(prefix="hojo-ab-") as tmp:
        directory = Path(tmp)
        bodies = directory / "bodies.jsonl"
        bodies.write_text("\n".join(request_bodies()) + "\n", encoding="utf-8")
        lua = directory / "bodies.lua"
        lua.write_text(WRK_LUA % bodies, encoding="utf-8")
        figures: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for index in range(rounds):
            for offset, (side, tree) in enumerate((("before", base), ("after", REPO))):
                n, rate, cpu, p99 = one(tree, 18_900 + 10 * index + offset, directory, lua)
                figures[side].append((rate, cpu))
                print(f"round {index + 1} {side}: {n:,} requests, {rate:,.0f}/s, p99 {p99}, {cpu:,.0f} µs CPU per "
                      "request", flush=True)
        for side, rows in figures.items():
            rates, cpus = sorted(r for r, _ in rows), sorted(c for _, c in rows)
            print(f"{side}: median {rates[len(rates) // 2]:,.0f}/s, {cpus[len(cpus) // 2]:,.0f} µs CPU per request")


if __name__ == "__main__":
    main()
