"""Prometheus metrics of the gateway, served over HTTP when --metrics-listen is given."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIServer

import grpc
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from ibkr_gateway.event.events import JournalEvent

LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class _OrdersByStatus(Collector):
    def __init__(self, count: Callable[[], dict[str, int]]) -> None:
        self._count = count

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "ibkr_gateway_orders", "Orders in the store, by status.", labels=["status"]
        )
        for status, n in sorted(self._count().items()):
            family.add_metric([status], n)
        yield family


class _BrokerConnections(Collector):
    """Counts kept by the broker adapter, read at scrape time."""

    def __init__(self, reconnects: Callable[[], int], client_id_in_use: Callable[[], int]) -> None:
        self._reconnects = reconnects
        self._client_id_in_use = client_id_in_use

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(
            "ibkr_gateway_broker_reconnects",
            "Reconnections to the broker after a lost connection.",
            value=self._reconnects(),
        )
        yield CounterMetricFamily(
            "ibkr_gateway_broker_client_id_in_use",
            "Connection attempts IB refused because the client id was in use (error 326).",
            value=self._client_id_in_use(),
        )


class _Reconciliation(Collector):
    """Counts kept by the position reconciler, read at scrape time."""

    def __init__(
        self,
        discrepancies: Callable[[], int],
        open_now: Callable[[], int],
        adoptions: Callable[[], int],
    ) -> None:
        self._discrepancies = discrepancies
        self._open_now = open_now
        self._adoptions = adoptions

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        yield CounterMetricFamily(
            "ibkr_gateway_position_discrepancies",
            "Positions found to differ from IB's while connected (each pair of quantities once).",
            value=self._discrepancies(),
        )
        yield GaugeMetricFamily(
            "ibkr_gateway_position_discrepancies_open",
            "Positions that differ from IB's now, as of the last reconciliation.",
            value=self._open_now(),
        )
        yield CounterMetricFamily(
            "ibkr_gateway_position_adoptions",
            "Positions set to IB's at a connect (held before the gateway or traded elsewhere).",
            value=self._adoptions(),
        )


class GatewayMetrics:
    def __init__(self) -> None:
        self._http: WSGIServer | None = None
        self.registry = CollectorRegistry()
        self.calls = Histogram(
            "ibkr_gateway_rpc_duration_seconds",
            "Unary call latency by method and status.",
            ["method", "code"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.events = Counter(
            "ibkr_gateway_events",
            "Journaled order events, by kind.",
            ["kind"],
            registry=self.registry,
        )
        self.journal_sequence = Gauge(
            "ibkr_gateway_journal_sequence",
            "Last published journal sequence.",
            registry=self.registry,
        )
        self.store_failing = Gauge(
            "ibkr_gateway_store_failing",
            "1 while commits to the order store fail and are retried, else 0.",
            registry=self.registry,
        )
        self.subscribers = Gauge(
            "ibkr_gateway_stream_subscribers",
            "Open event and fill streams.",
            registry=self.registry,
        )
        self.broker_connected = Gauge(
            "ibkr_gateway_broker_connected",
            "1 while the broker connection is up.",
            registry=self.registry,
        )
        self.pacing_queue = Gauge(
            "ibkr_gateway_pacing_queue_depth",
            "Messages waiting for IB's pacing limit.",
            registry=self.registry,
        )

    def observe_call(
        self,
        method: str,
        request: Any,
        response: Any,
        code: grpc.StatusCode,
        detail: str,
        elapsed: float,
    ) -> None:
        self.calls.labels(method.rsplit("/", 1)[-1], code.name).observe(elapsed)

    def observe_event(self, event: JournalEvent) -> None:
        self.events.labels(type(event).__name__).inc()
        self.journal_sequence.set(event.sequence)

    def watch(
        self,
        *,
        subscribers: Callable[[], int],
        broker_connected: Callable[[], bool],
        pacing_queue: Callable[[], int],
        orders_by_status: Callable[[], dict[str, int]],
        broker_reconnects: Callable[[], int] = lambda: 0,
        client_id_in_use: Callable[[], int] = lambda: 0,
    ) -> None:
        """Values read at scrape time."""
        self.subscribers.set_function(lambda: float(subscribers()))
        self.broker_connected.set_function(lambda: float(broker_connected()))
        self.pacing_queue.set_function(lambda: float(pacing_queue()))
        self.registry.register(_OrdersByStatus(orders_by_status))
        self.registry.register(_BrokerConnections(broker_reconnects, client_id_in_use))

    def watch_reconciliation(
        self,
        *,
        discrepancies: Callable[[], int],
        open_now: Callable[[], int],
        adoptions: Callable[[], int],
    ) -> None:
        self.registry.register(_Reconciliation(discrepancies, open_now, adoptions))

    def watch_publish(
        self, *, lag: Callable[[], int], acknowledged: Callable[[], int], up: Callable[[], bool]
    ) -> None:
        """With --publish: how far the NATS stream is behind the journal."""
        readings: tuple[tuple[str, str, Callable[[], float]], ...] = (
            (
                "ibkr_gateway_publish_lag",
                "Journaled events the NATS stream is not known to hold.",
                lag,
            ),
            (
                "ibkr_gateway_publish_sequence",
                "Last journal sequence NATS JetStream acknowledged.",
                acknowledged,
            ),
            (
                "ibkr_gateway_publish_connected",
                "1 while the journal is being published to NATS JetStream.",
                lambda: float(up()),
            ),
        )
        for name, text, read in readings:
            Gauge(name, text, registry=self.registry).set_function(read)

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
