"""Serves the HTTP application with Hypercorn (HTTP/1.1, and HTTP/2 over TLS by ALPN or in
cleartext with prior knowledge) on the gateway's own event loop."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl

from hypercorn.asyncio.run import worker_serve
from hypercorn.config import Config, Sockets
from hypercorn.utils import wrap_app

from ibkr_gateway.rpc.connect import ASGIApp
from ibkr_gateway.security.tls import ListenRefused, TlsFiles, parse_listen

log = logging.getLogger(__name__)
# Hypercorn's own notices ("Running on ...") repeat what the gateway logs; its warnings
# and errors still show.
_server_log = logging.getLogger("ibkr_gateway.web.hypercorn")
_server_log.setLevel(logging.WARNING)


def bind(listen: str) -> socket.socket:
    """A listening socket, bound now so that a port in use stops the start with its name
    and port 0 is known before anything is served."""
    host, port = parse_listen(listen)
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        raise ListenRefused(f"cannot listen on {listen} (--http-listen): {exc.strerror}") from None


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the HTTP server stopped", exc_info=task.exception())


class HttpServer:
    def __init__(
        self, app: ASGIApp, listen: str, *, tls: TlsFiles | None, shutdown_grace: float
    ) -> None:
        self.app = app
        self.listen = listen
        self.config = Config()
        self.config.errorlog = _server_log
        self.config.accesslog = None
        self.config.include_server_header = False
        self.config.graceful_timeout = shutdown_grace
        if tls is not None:
            tls.check()
            self.config.certfile = tls.cert
            self.config.keyfile = tls.key
            if tls.client_ca:
                self.config.ca_certs = tls.client_ca
                self.config.verify_mode = ssl.CERT_REQUIRED
        self.port = 0
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> int:
        sock = bind(self.listen)
        self.port = sock.getsockname()[1]
        sockets = Sockets(
            secure_sockets=[sock] if self.config.ssl_enabled else [],
            insecure_sockets=[] if self.config.ssl_enabled else [sock],
            quic_sockets=[],
        )
        self._task = asyncio.get_running_loop().create_task(
            worker_serve(
                wrap_app(self.app, self.config.wsgi_max_body_size, "asgi"),  # type: ignore[arg-type]
                self.config,
                sockets=sockets,
                shutdown_trigger=self._stopping.wait,
            ),
            name="http-server",
        )
        # The socket already listens: a connection made before the task accepts it waits
        # in the backlog.
        self._task.add_done_callback(_log_failure)
        return self.port

    async def stop(self) -> None:
        """Stops listening; requests in flight get the grace period, streams ended by the
        gateway's shutdown send their final message."""
        self._stopping.set()
        if self._task is not None:
            await self._task
