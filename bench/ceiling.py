"""The bare ASGI ceiling of ``bench/run``: a trivial JSON echo served exactly as ``hojo serve`` serves hojo.

    python bench/ceiling.py PORT WORKERS [echo|fastapi_echo]

The same ``service.web.server.run`` (uvicorn, httptools, uvloop, the same socket and worker count), the same
request bodies; the app parses the JSON body and answers it back, serialised, with nothing else: what the
server stack alone allows, against which hojo's HTTP figure is a ratio.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

Message = MutableMapping[str, Any]


def echo() -> Callable[[Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                       Awaitable[None]]:
    """The ASGI app (a factory, as ``hojo serve``'s app is)."""

    async def app(scope: Message, receive: Callable[[], Awaitable[Message]],
                  send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        body = json.dumps(json.loads(raw) if raw else {}, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


def fastapi_echo() -> Any:
    """The same echo as a bare FastAPI app (one ``async`` route, no middleware): the issue's ceiling."""
    app = FastAPI()

    @app.post("/v1/decisions")
    async def answer(request: Request) -> JSONResponse:
        return JSONResponse(json.loads(await request.body()))

    return app


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from service.web import server

    app = sys.argv[3] if len(sys.argv) > 3 else "echo"
    server.run(f"ceiling:{app}", "127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), log_level="warning",
               access_log=False)
