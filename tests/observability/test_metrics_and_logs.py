"""Prometheus metrics over HTTP, and JSON log lines that carry order ids."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from pathlib import Path

import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway.observability.logs import JsonFormatter
from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.security.tls import ListenRefused
from tests.service.conftest import (
    limit_spec,
    order_spec,
    reaches,
    read_events,
    start_gateway,
    stop_gateway,
    submit,
)


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


async def test_metrics_endpoint(tmp_path: Path) -> None:
    gw = await start_gateway(tmp_path / "m.db", metrics_listen="127.0.0.1:0")
    try:
        order = await submit(gw, order_spec("m-1"))
        await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_FILLED))
        await submit(gw, limit_spec("m-2", "50"))
        stream = gw.stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest(after_sequence=0))
        await stream.read()
        await asyncio.sleep(0.2)
        values = await asyncio.to_thread(scrape, gw.server.metrics_port)
        stream.cancel()
    finally:
        await stop_gateway(gw)
    assert values['ibkr_gateway_orders{status="FILLED"}'] == 1
    assert values['ibkr_gateway_orders{status="SUBMITTED"}'] == 1
    assert values['ibkr_gateway_events_total{kind="FillEvent"}'] == 1
    assert values['ibkr_gateway_events_total{kind="PositionEvent"}'] == 1
    # 4 events of the market order, its position change, 2 of the limit order.
    assert values["ibkr_gateway_journal_sequence"] == 7
    assert values["ibkr_gateway_stream_subscribers"] >= 1
    assert values["ibkr_gateway_broker_connected"] == 1
    assert values["ibkr_gateway_pacing_queue_depth"] == 0
    calls = 'ibkr_gateway_rpc_duration_seconds_count{code="OK",method="SubmitOrder"}'
    assert values[calls] == 2


async def test_journal_sequence_is_right_after_a_restart(tmp_path: Path) -> None:
    gw = await start_gateway(tmp_path / "r.db")
    await submit(gw, limit_spec("r-1", "50"))
    await stop_gateway(gw)
    last = gw.server.store.last_sequence
    gw = await start_gateway(tmp_path / "r.db", metrics_listen="127.0.0.1:0")
    try:
        values = await asyncio.to_thread(scrape, gw.server.metrics_port)
    finally:
        await stop_gateway(gw)
    assert last > 0
    assert values["ibkr_gateway_journal_sequence"] == last


def test_metrics_are_not_served_beyond_loopback_without_insecure(tmp_path: Path) -> None:
    with pytest.raises(ListenRefused):
        GatewayServer(
            GatewayConfig(
                listen="127.0.0.1:0", db_path=str(tmp_path / "x.db"), metrics_listen="0.0.0.0:0"
            )
        )


def test_json_log_lines_carry_extra_fields() -> None:
    record = logging.makeLogRecord(
        {
            "name": "ibkr_gateway.x",
            "levelname": "WARNING",
            "msg": "order %s: %s",
            "args": ("abc", "ignored"),
            "order_id": "abc",
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "order abc: ignored"
    assert entry["order_id"] == "abc"
    assert entry["level"] == "WARNING"
    assert entry["time"].endswith("+00:00")
