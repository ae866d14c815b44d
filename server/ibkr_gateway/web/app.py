"""One ASGI application for --http-listen: each service's Connect application under its
path (/package.Service/Method), the blotter's static files, and /caller for the page."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from ibkr_gateway.errors import GatewayError
from ibkr_gateway.rpc.connect import ASGIApp
from ibkr_gateway.security.auth import LOCAL, TokenTable

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# The page loads nothing from elsewhere and may be framed by nothing: a token typed into
# it is read by its own script only.
_PAGE_HEADERS: Final = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        b"img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    # The files change with the gateway's version, not while it runs; revalidating is cheap.
    (b"cache-control", b"no-cache"),
]

_JSON_HEADERS: Final = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]

_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    content_type: str


def blotter_files() -> dict[str, StaticFile]:
    """The page and what it loads, by URL path, from the package's web/static folder."""
    folder = resources.files("ibkr_gateway").joinpath("web/static")
    files: dict[str, StaticFile] = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rpartition(".")[2]
        if entry.is_file() and suffix in _TYPES:
            files["/" + entry.name] = StaticFile(entry.read_bytes(), _TYPES[suffix])
    if "/index.html" in files:
        files["/"] = files["/index.html"]
    return files


def _named_by_address(scope: dict[str, Any]) -> bool:
    host = ""
    for key, value in scope["headers"]:
        if key == b"host":
            host = value.decode("latin-1")
            break
    else:
        # HTTP/2 names the host in :authority, which the ASGI server hands on as host; a
        # request with neither came from no browser.
        return True
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]")
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class GatewayHttpApp:
    def __init__(
        self,
        services: Mapping[str, ASGIApp],
        files: Mapping[str, StaticFile],
        tokens: TokenTable | None = None,
        *,
        check_host: bool = False,
    ) -> None:
        """`check_host`: serve only requests naming the host by an IP address or localhost."""
        self.services = dict(services)
        self.files = dict(files)
        self.tokens = tokens
        self.check_host = check_host

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            # No websockets: closing at once refuses the upgrade.
            await send({"type": "websocket.close", "code": 1003})
            return
        if self.check_host and not _named_by_address(scope):
            # Without tokens any caller is trusted, so a page on another site must not reach
            # the gateway by pointing its own name at 127.0.0.1 (DNS rebinding).
            await _respond(send, 403, b"host not allowed\n", [(b"content-type", b"text/plain")])
            return
        path: str = scope["path"]
        service = self.services.get(path[1:].partition("/")[0])
        if service is not None:
            await service(scope, receive, send)
            return
        if path == "/caller":
            await self._caller(scope, send)
            return
        await self._static(scope, path, send)

    async def _caller(self, scope: dict[str, Any], send: Send) -> None:
        """Who the bearer token is, so that the page offers only what it may do. Its own
        scopes and accounts are no secret to the token's holder."""
        who = LOCAL
        if self.tokens is not None:
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
            try:
                who = self.tokens.authenticate(headers)
            except GatewayError as error:
                body = json.dumps({"code": "unauthenticated", "message": error.message})
                await _respond(send, 401, body.encode(), _JSON_HEADERS)
                return
        body = json.dumps(
            {"name": who.name, "scopes": sorted(who.scopes), "accounts": sorted(who.accounts)}
        )
        await _respond(send, 200, body.encode(), _JSON_HEADERS)

    async def _static(self, scope: dict[str, Any], path: str, send: Send) -> None:
        found = self.files.get(path)
        if found is None:
            await _respond(send, 404, b"not found\n", [(b"content-type", b"text/plain")])
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _respond(
                send, 405, b"", [(b"allow", b"GET, HEAD"), (b"content-type", b"text/plain")]
            )
            return
        headers = [(b"content-type", found.content_type.encode()), *_PAGE_HEADERS]
        body = found.body if scope["method"] == "GET" else b""
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*headers, (b"content-length", str(len(found.body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        # The gateway starts and stops what the services use; nothing to do here.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
