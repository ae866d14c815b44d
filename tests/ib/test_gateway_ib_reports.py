"""The gateway on --backend ib against IB's less orderly reports: commissions before
their executions, unknown error codes, execution corrections, lost data after 1101."""

from __future__ import annotations

from pathlib import Path

from ibkr.gateway.v1 import orders_pb2

from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.test_gateway_ib import start_ib_gateway, stop_ib_gateway, submit
from tests.service.conftest import limit_spec, reaches, read_events

S = orders_pb2


async def test_commission_before_its_execution_is_paired_with_it(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    sim.commission_first = True
    # Short enough that a dropped report would show as a fill without commission.
    gw = await start_ib_gateway(sim, tmp_path / "early.db", commission_timeout=0.3)
    try:
        order = await submit(gw, limit_spec("ib-early-comm", "50", quantity="10"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
        sim.fill(order.broker_order_id, "4", "50", client_id=7)
        sim.fill(order.broker_order_id, "6", "49", client_id=7)
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        fills = [e.fill for e in events if e.HasField("fill")]
        assert [(f.quantity, f.price, f.commission) for f in fills] == [
            ("4", "50", "1"),
            ("6", "49", "1"),
        ]
        assert gw.server.integration.unpaired_executions == 0
    finally:
        await stop_ib_gateway(gw)
