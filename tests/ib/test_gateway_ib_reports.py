"""The gateway on --backend ib against IB's less orderly reports: commissions before
their executions, unknown error codes, execution corrections, lost data after 1101."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway.broker import BrokerExecution
from ibkr_gateway.ib.errors import ErrorClass, classify_error
from ibkr_gateway.ib.gateway import ConnectionState
from ibkr_gateway.ib.integration import INACTIVE_REASON
from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import until
from tests.ib.test_gateway_ib import get, start_ib_gateway, stop_ib_gateway, submit
from tests.service.conftest import limit_spec, order_spec, reaches, read_events, statuses_of

S = orders_pb2
# In none of the tables of ib.errors.
UNLISTED = 10999
UNLISTED_TEXT = "Order held for an unusual reason"


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


async def test_unknown_error_answering_a_new_order_rejects_it_after_the_grace(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    assert classify_error(UNLISTED) is ErrorClass.UNKNOWN
    gw = await start_ib_gateway(sim, tmp_path / "unknown.db", rejection_grace=0.3)
    try:
        sim.answer_next_order(UNLISTED, UNLISTED_TEXT)
        order = await submit(gw, limit_spec("ib-unknown", "50"))
        events = await read_events(
            gw, until=reaches(order.order_id, S.ORDER_STATUS_REJECTED), within=3
        )
        assert statuses_of(events, order.order_id) == [
            "status_change:PENDING_SUBMIT",
            "status_change:REJECTED",
        ]
        assert events[-1].order.status_reason == f"IB error {UNLISTED}: {UNLISTED_TEXT}"
    finally:
        await stop_ib_gateway(gw)


async def test_a_status_within_the_grace_shows_ib_took_the_order(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "late.db", rejection_grace=1.0)
    try:
        sim.answer_next_order(UNLISTED, UNLISTED_TEXT, then="Submitted", after=0.1)
        order = await submit(gw, limit_spec("ib-late-ack", "50"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
        await asyncio.sleep(1.2)
        assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_SUBMITTED
    finally:
        await stop_ib_gateway(gw)


@pytest.mark.parametrize("then", ["Cancelled", "Inactive"])
async def test_unknown_error_then_a_status_that_ib_did_not_take_it_is_a_rejection(
    sim: TwsSimulator, tmp_path: Path, then: str
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "refused.db", rejection_grace=30)
    try:
        sim.answer_next_order(UNLISTED, UNLISTED_TEXT, then=then, after=0.1)
        order = await submit(gw, limit_spec("ib-refused", "50"))
        events = await read_events(
            gw, until=reaches(order.order_id, S.ORDER_STATUS_REJECTED), within=3
        )
        assert events[-1].order.status_reason == f"IB error {UNLISTED}: {UNLISTED_TEXT}"
        assert statuses_of(events, order.order_id)[-1] == "status_change:REJECTED"
    finally:
        await stop_ib_gateway(gw)


async def test_unknown_error_on_a_working_order_does_not_end_it(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "working.db", rejection_grace=0.2)
    try:
        order = await submit(gw, limit_spec("ib-working-err", "50"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
        sim.desk.refuse_next_modify = (UNLISTED, UNLISTED_TEXT)
        await gw.stub.ModifyOrder(
            gateway_pb2.ModifyOrderRequest(order_id=order.order_id, limit_price="51")
        )
        await asyncio.sleep(0.5)
        assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_SUBMITTED
    finally:
        await stop_ib_gateway(gw)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (321, "Error validating request.-'bN' : cause - The API interface is read-only"),
        (463, "You must enter a valid price."),
        (504, "Not connected"),
        (10311, "This order will be directly routed to NYSE."),
        (10268, "The 'EtradeOnly' order attribute is not supported."),
    ],
)
async def test_listed_codes_reject_a_new_order_at_once(
    sim: TwsSimulator, tmp_path: Path, code: int, text: str
) -> None:
    # No grace: only a table entry rejects the order within the test's time.
    gw = await start_ib_gateway(sim, tmp_path / "listed.db", rejection_grace=30)
    try:
        sim.answer_next_order(code, text)
        order = await submit(gw, limit_spec(f"ib-listed-{code}", "50"))
        events = await read_events(
            gw, until=reaches(order.order_id, S.ORDER_STATUS_REJECTED), within=2
        )
        assert events[-1].order.status_reason == f"IB error {code}: {text}"
    finally:
        await stop_ib_gateway(gw)


async def test_329_refuses_a_modification_and_rolls_it_back(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "329.db")
    try:
        order = await submit(gw, limit_spec("ib-329", "50"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
        sim.desk.refuse_next_modify = (
            329,
            "Order modify failed. Cannot change to the new order type.",
        )
        await gw.stub.ModifyOrder(
            gateway_pb2.ModifyOrderRequest(order_id=order.order_id, limit_price="55")
        )
        events = await read_events(
            gw, until=lambda ev: sum(1 for e in ev if e.HasField("modification")) == 2
        )
        rollback = [e for e in events if e.HasField("modification")][-1]
        assert rollback.order.spec.limit_price == "50"
        assert "IB error 329" in rollback.modification.reason
        assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_SUBMITTED
    finally:
        await stop_ib_gateway(gw)


@pytest.mark.parametrize(
    ("code", "text", "reason"),
    [
        (0, "", INACTIVE_REASON),
        (399, "Order message error", "inactive at IB after IB message 399: Order message error"),
    ],
    ids=["no message", "after a warning"],
)
async def test_inactive_without_a_rejection_is_explained(
    sim: TwsSimulator, tmp_path: Path, code: int, text: str, reason: str
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "inactive.db")
    try:
        sim.answer_next_order(code, text, then="Inactive")
        order = await submit(gw, limit_spec("ib-inactive", "50"))
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_INACTIVE))
        assert events[-1].order.status_reason == reason
        await asyncio.sleep(0.1)
        assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_INACTIVE
    finally:
        await stop_ib_gateway(gw)


def execution_of(reports: Sequence[object]) -> str:
    (execution_id,) = [r.execution_id for r in reports if isinstance(r, BrokerExecution)]
    return execution_id


def effective(fills: list[orders_pb2.Fill]) -> list[tuple[str, str]]:
    """(quantity, price) of the fills that still count: those no later fill replaced."""
    replaced = {f.corrects_execution_id for f in fills}
    return [(f.quantity, f.price) for f in fills if f.execution_id not in replaced]


async def test_execution_correction_replaces_the_execution(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    db = tmp_path / "correction.db"
    gw = await start_ib_gateway(sim, db)
    try:
        order = await submit(gw, limit_spec("ib-corrected", "50", quantity="10"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
        first = execution_of(sim.fill(order.broker_order_id, "4", "50", client_id=7))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_PARTIALLY_FILLED))
        corrected = sim.correct_execution(first, quantity="5", price="49", commission="0.9")
        events = await read_events(
            gw, until=lambda ev: any(e.fill.execution_id == corrected for e in ev)
        )
        correction = events[-1]
        assert correction.fill.corrects_execution_id == first
        assert (correction.fill.quantity, correction.fill.price) == ("5", "49")
        assert correction.fill.commission == "0.9"
        assert (correction.order.filled_quantity, correction.order.average_fill_price) == (
            "5",
            "49",
        )
        assert correction.order.status == S.ORDER_STATUS_PARTIALLY_FILLED
        sim.fill(order.broker_order_id, "5", "51", client_id=7)
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        assert all(int(e.order.filled_quantity) <= 10 for e in events)
        done = await get(gw, order.order_id)
        assert (done.filled_quantity, done.average_fill_price) == ("10", "50")
        listed = await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=order.order_id))
        assert effective(list(listed.fills)) == [("5", "49"), ("5", "51")]
    finally:
        await stop_ib_gateway(gw)
    # The store keeps the correction: a restart, which replays every execution, lists
    # and counts the same.
    gw = await start_ib_gateway(sim, db)
    try:
        await asyncio.sleep(0.3)
        listed = await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=order.order_id))
        assert [f.corrects_execution_id for f in listed.fills] == ["", first, ""]
        assert (await get(gw, order.order_id)).filled_quantity == "10"
    finally:
        await stop_ib_gateway(gw)


async def test_correction_of_a_filled_order_made_while_the_gateway_was_down(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    db = tmp_path / "down.db"
    gw = await start_ib_gateway(sim, db)
    try:
        order = await submit(gw, order_spec("ib-corrected-down", quantity="10"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        (first,) = [
            f.execution_id
            for f in (
                await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=order.order_id))
            ).fills
        ]
    finally:
        await stop_ib_gateway(gw)
    corrected = sim.correct_execution(first, quantity="8", price="99")
    gw = await start_ib_gateway(sim, db)
    try:
        events = await read_events(
            gw, until=lambda ev: any(e.fill.execution_id == corrected for e in ev)
        )
        correction = events[-1]
        assert correction.fill.corrects_execution_id == first
        assert (correction.order.filled_quantity, correction.order.average_fill_price) == (
            "8",
            "99",
        )
        # A bust does not reopen an order IB reports as done.
        assert correction.order.status == S.ORDER_STATUS_FILLED
    finally:
        await stop_ib_gateway(gw)


@pytest.mark.parametrize("data_lost", [True, False], ids=["1101", "1102"])
async def test_fills_while_ib_link_was_down_are_recovered(
    sim: TwsSimulator, tmp_path: Path, data_lost: bool
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "link.db")
    try:
        requested: list[str] = []
        client = gw.ib.ib.client
        for name in ("reqAllOpenOrders", "reqCompletedOrders", "reqExecutions"):
            original = getattr(client, name)

            def recording(*args: object, _name: str = name, _original: Any = original) -> None:
                requested.append(_name)
                _original(*args)

            setattr(client, name, recording)
        order = await submit(gw, limit_spec("ib-link", "50", quantity="10"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
        sim.link_down()
        await until(lambda: gw.ib.state is ConnectionState.IB_LINK_DOWN)
        sim.fill(order.broker_order_id, "10", "50", client_id=7)
        await asyncio.sleep(0.1)
        assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_SUBMITTED
        sim.restore_link(data_lost=data_lost)
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        fills = [e.fill for e in events if e.HasField("fill")]
        assert [(f.quantity, f.price, f.commission) for f in fills] == [("10", "50", "1")]
        assert gw.ib.state is ConnectionState.CONNECTED
        expected = ["reqAllOpenOrders", "reqCompletedOrders", "reqExecutions"] if data_lost else []
        assert requested == expected
    finally:
        await stop_ib_gateway(gw)
