"""``hojo serve --workers N`` with TCP_NODELAY on every connection: the fix measured beside the as-is server.

uvicorn (0.54) binds the shared socket of a multi-worker server with ``socket.socket(family=AF_INET)``,
so its protocol number is 0; asyncio sets TCP_NODELAY only on sockets whose ``proto`` is IPPROTO_TCP
(``asyncio.base_events._set_nodelay``), so no accepted connection gets it. h11 writes a response's
head and body in two writes; Nagle holds the second until the client's delayed ACK, about 40 ms on
Linux: every response of ``hojo serve --workers 2`` waits 40 ms. A single worker binds through
``loop.create_server``, whose socket has proto 6, and does not wait.

This runner does what ``uvicorn.run`` does for several workers, with the socket created as
``socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)``; the app, the store and the workers are unchanged.
Usage: ``python bench/serve_nodelay.py --port P --db sqlite:///path [--workers 2]`` (loopback only).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

import uvicorn
from uvicorn.supervisors import Multiprocess

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    os.environ["HOJO_DB"] = args.db
    config = uvicorn.Config("service.api.app:app_from_env", factory=True, host=args.host, port=args.port,
                            workers=args.workers, log_level=args.log_level)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
