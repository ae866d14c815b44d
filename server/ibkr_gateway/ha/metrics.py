"""Leadership on /metrics (--metrics-listen): on the standby, which serves nothing else
there, and on the leader, beside its own metrics, so that monitoring sees both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector


class Leadership(Collector):
    def __init__(self, gateway_id: str, leading: bool, leader: Callable[[], str]) -> None:
        self._gateway_id = gateway_id
        self._leading = leading
        self._leader = leader

    def collect(self) -> Iterator[GaugeMetricFamily | InfoMetricFamily]:
        yield GaugeMetricFamily(
            "ibkr_gateway_ha_leader",
            "1 on the gateway leading its gateway id (--ha), 0 on the standby.",
            value=float(self._leading),
        )
        yield InfoMetricFamily(
            "ibkr_gateway_ha",
            "The gateway id, and the address its leader serves at (empty while not known).",
            value={"gateway_id": self._gateway_id, "leader": self._leader()},
        )


class StandbyMetrics:
    def __init__(self, gateway_id: str, leader: Callable[[], str]) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(Leadership(gateway_id, False, leader))
        self._http: WSGIServer | None = None

    def serve(self, listen: str) -> int:
        """Starts the HTTP endpoint (/metrics) on a thread; returns its port."""
        host, _, port = listen.rpartition(":")
        self._http, _thread = start_http_server(
            int(port), addr=host.strip("[]") or "127.0.0.1", registry=self.registry
        )
        return int(self._http.server_port)

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
