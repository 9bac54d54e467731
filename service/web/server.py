"""The HTTP server ``hojo serve`` runs: uvicorn on its fast parts (httptools, uvloop), one or several workers.

One function, so the bench's bare ceiling (``bench/run``: a trivial JSON echo) is served with exactly the
settings hojo is served with, and the ratio between them measures hojo rather than the server.
"""

from __future__ import annotations

import socket
from typing import Any

__all__ = ["HTTP", "LOOP", "run"]

#: uvicorn's C parser and libuv loop (the ``uvicorn[standard]`` extras, pinned in pyproject.toml): the same
#: server answers a bare echo about 6× faster than with h11 and asyncio's loop (bench/RESULTS.md)
HTTP, LOOP = "httptools", "uvloop"


def run(app: str, host: str, port: int, workers: int = 1, **options: Any) -> None:
    """Serve the ASGI app factory named ``module:function`` until stopped; ``options`` go to ``uvicorn.Config``."""
    import uvicorn

    config = uvicorn.Config(app, factory=True, host=host, port=port, workers=workers, http=HTTP, loop=LOOP,
                            **options)
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    from uvicorn.supervisors import Multiprocess

    # uvicorn binds a multi-worker socket with protocol 0, so asyncio never sets TCP_NODELAY on its
    # connections and every response waits ~40 ms for a delayed ACK (measured: bench/RESULTS.md). Bound
    # here as IPPROTO_TCP, the workers' connections get TCP_NODELAY like a single worker's.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()
