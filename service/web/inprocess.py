"""An HTTP client that calls an ASGI app inside this process: no socket, no thread, no test extras.

Publishing runs a program's features against an app built on the staged rules (``service.authoring.features``);
this client is how the steps reach that app, exactly as they reach a live server over HTTP. The app's lifespan
runs on entry and exit, and each request is one ASGI call on a private event loop.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

__all__ = ["InProcessClient", "InProcessResponse"]

_Message = MutableMapping[str, Any]
_App = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[_Message]], Callable[[_Message], Awaitable[None]]],
                Awaitable[None]]


@dataclass
class InProcessResponse:
    """The status, headers and body of one answer (read like an ``httpx`` response)."""

    status_code: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class InProcessClient:
    """``with InProcessClient(app) as c: c.post("/v1/decisions", json=...)`` — one request at a time."""

    def __init__(self, app: _App, host: str = "hojo.in-process") -> None:
        self._app, self._host = app, host
        self._loop = asyncio.new_event_loop()
        self._lifespan: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[_Message] | None = None
        self._from_app: asyncio.Queue[_Message] | None = None

    # -- lifespan (the app loads its rules and opens its store on start-up) -------------------------------
    def __enter__(self) -> InProcessClient:
        self._loop.run_until_complete(self._start())
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            self._loop.run_until_complete(self._stop())
        finally:
            self._loop.close()

    async def _start(self) -> None:
        self._to_app, self._from_app = asyncio.Queue(), asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self._lifespan = asyncio.ensure_future(self._app(scope, self._to_app.get, self._from_app.put))
        await self._to_app.put({"type": "lifespan.startup"})
        answer = await self._next_lifespan_message()
        if answer["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"the app did not start: {answer.get('message', answer['type'])}")

    async def _stop(self) -> None:
        if self._lifespan is None or self._to_app is None:
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        await self._next_lifespan_message()
        await self._lifespan

    async def _next_lifespan_message(self) -> _Message:
        assert self._from_app is not None and self._lifespan is not None
        getting = asyncio.ensure_future(self._from_app.get())
        done, _ = await asyncio.wait({getting, self._lifespan}, return_when=asyncio.FIRST_COMPLETED)
        if getting in done:
            return getting.result()
        getting.cancel()
        self._lifespan.result()  # raises what the lifespan raised
        return {"type": "lifespan.failed", "message": "the lifespan ended"}

    # -- requests -----------------------------------------------------------------------------------------
    def get(self, url: str, headers: dict[str, str] | None = None) -> InProcessResponse:
        return self.request("GET", url, headers=headers)

    def post(self, url: str, *, json: Any = None, content: bytes | None = None,
             headers: dict[str, str] | None = None) -> InProcessResponse:
        return self.request("POST", url, json=json, content=content, headers=headers)

    def request(self, method: str, url: str, *, json: Any = None, content: bytes | None = None,
                headers: dict[str, str] | None = None) -> InProcessResponse:
        sent = dict(headers or {})
        if json is not None:
            content = jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
            sent.setdefault("content-type", "application/json")
        return self._loop.run_until_complete(self._call(method, url, content or b"", sent))

    async def _call(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> InProcessResponse:
        parts = urlsplit(url)
        raw = [(b"host", self._host.encode()), (b"content-length", str(len(body)).encode())]
        raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": parts.path, "raw_path": parts.path.encode(),
                 "query_string": parts.query.encode(), "root_path": "", "headers": raw,
                 "client": ("127.0.0.1", 0), "server": (self._host, 80), "state": {}}
        sent = False

        async def receive() -> _Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # the request never disconnects while the app answers
            return {"type": "http.disconnect"}

        response = InProcessResponse(status_code=500)
        chunks: list[bytes] = []

        async def send(message: _Message) -> None:
            if message["type"] == "http.response.start":
                response.status_code = int(message["status"])
                response.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in message.get("headers", [])}
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))

        try:
            await self._app(scope, receive, send)
        except Exception:
            # Starlette re-raises an unexpected error after sending its 500; a server would answer just that.
            if not chunks:
                raise
        response.content = b"".join(chunks)
        return response
