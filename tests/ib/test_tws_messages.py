"""Every message the TWS simulator sends, decoded by ib_async's own Decoder.

ib_async drops a message it cannot decode with one log line and carries on, so a
field-count mistake would otherwise go unnoticed: each test fails on any ib_async
record at WARNING or above, checks the values land in the right attributes, and, for
layouts the decoder unpacks strictly, that the last field cannot be dropped (so there is
no surplus field either). Parsing of what ib_async sends is in test_tws_requests.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from ib_async.util import UNSET_DOUBLE

from ibkr_gateway.sim.tws import outgoing
from ibkr_gateway.sim.tws.order_messages import OrderView, completed_order, open_order
from ibkr_gateway.sim.tws.outgoing import ExecutionView, Out
from ibkr_gateway.sim.tws.place_order import WireContract, WireOrder
from tests.ib.wire import assert_no_surplus, decode_one, wire_fields

D = Decimal
AAPL = WireContract(con_id=900001, symbol="AAPL", sec_type="STK", exchange="SMART")
T0 = datetime(2024, 3, 1, 14, 30, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_ib_async_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="ib_async")
    yield
    bad = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("ib_async") and r.levelno >= logging.WARNING
    ]
    assert bad == []


def view(order: WireOrder, **kw: Any) -> OrderView:
    base: dict[str, Any] = {
        "order_id": order.order_id,
        "client_id": 3,
        "perm_id": 1000007,
        "contract": AAPL,
        "order": order,
        "total_quantity": order.total_quantity,
        "lmt_price": order.lmt_price,
        "aux_price": order.aux_price,
        "trail_stop_price": None,
        "status": "Submitted",
        "filled": D(0),
    }
    return OrderView(**(base | kw))


def wire_order(**kw: Any) -> WireOrder:
    base: dict[str, Any] = {
        "order_id": 12,
        "action": "BUY",
        "total_quantity": D("100"),
        "order_type": "MKT",
    }
    return WireOrder(**(base | kw))


SIMPLE = [
    (outgoing.managed_accounts(["DU123456"]), "managedAccounts", ("DU123456",)),
    (outgoing.next_valid_id(42), "nextValidId", (42,)),
    (outgoing.current_time(1_700_000_000), "currentTime", (1_700_000_000,)),
    (outgoing.open_order_end(), "openOrderEnd", ()),
    (outgoing.account_download_end("DU123456"), "accountDownloadEnd", ("DU123456",)),
    (outgoing.exec_details_end(17), "execDetailsEnd", (17,)),
    (outgoing.position_end(), "positionEnd", ()),
    (outgoing.account_update_multi_end(9), "accountUpdateMultiEnd", (9,)),
    (outgoing.completed_orders_end(), "completedOrdersEnd", ()),
    (
        outgoing.order_status(
            7, "Filled", D("100"), D(0), D("187.25"), 1000001, 3, D("187.5"), 1, "locate"
        ),
        "orderStatus",
        (7, "Filled", 100.0, 0.0, 187.25, 1000001, 3, 187.5, 1, "locate", 0.0),
    ),
]


@pytest.mark.parametrize(("message", "name", "args"), SIMPLE, ids=[s[1] for s in SIMPLE])
def test_fixed_layout_messages(message: Out, name: str, args: tuple[Any, ...]) -> None:
    assert decode_one(message) == (name, args)
    # These are decoded by zip(types, fields), which ignores surplus fields: count them.
    skip = 1 if name in ("orderStatus", "completedOrdersEnd") else 2
    assert len(wire_fields(message)) == skip + len(args)


def test_error_carries_the_advanced_reject_json() -> None:
    message = outgoing.error(5, 201, "Order rejected - reason: x", '{"k": 1}')
    assert decode_one(message) == ("error", (5, 201, "Order rejected - reason: x", '{"k": 1}'))
    assert_no_surplus(message)


ORDERS = {
    "MKT DAY": wire_order(tif="DAY"),
    "LMT GTC outsideRth": wire_order(
        order_type="LMT", lmt_price=D("187.25"), tif="GTC", outside_rth=True
    ),
    "STP IOC": wire_order(order_type="STP", aux_price=D("90"), tif="IOC", action="SELL"),
    "STP LMT FOK": wire_order(
        order_type="STP LMT", lmt_price=D("91.5"), aux_price=D("92"), tif="FOK"
    ),
    "GTD": wire_order(
        order_type="LMT", lmt_price=D("10"), tif="GTD", good_till_date="20240315 16:00:00 UTC"
    ),
    "OPG": wire_order(order_type="LMT", lmt_price=D("10"), tif="OPG"),
    "bracket child": wire_order(
        order_type="LMT", lmt_price=D("110"), parent_id=11, oca_group="g1", oca_type=3
    ),
    "orderRef account": wire_order(order_ref="client-42", account="DU123456"),
}


@pytest.mark.parametrize("kind", list(ORDERS))
def test_open_order_decodes_into_the_right_attributes(kind: str) -> None:
    o = ORDERS[kind]
    message = open_order(view(o, filled=D(40), status="PreSubmitted"))
    assert len(wire_fields(message)) == 127
    name, (order_id, contract, order, state) = decode_one(message)
    assert (name, order_id) == ("openOrder", o.order_id)
    assert (contract.conId, contract.symbol, contract.secType) == (900001, "AAPL", "STK")
    assert (order.orderId, order.clientId, order.permId) == (o.order_id, 3, 1000007)
    assert (order.action, order.totalQuantity, order.orderType) == (o.action, 100.0, o.order_type)
    assert order.lmtPrice == (float(o.lmt_price) if o.lmt_price else UNSET_DOUBLE)
    assert order.auxPrice == (float(o.aux_price) if o.aux_price else UNSET_DOUBLE)
    assert (order.tif, order.goodTillDate, order.outsideRth) == (
        o.tif,
        o.good_till_date,
        o.outside_rth,
    )
    assert (order.ocaGroup, order.ocaType, order.parentId) == (o.oca_group, o.oca_type, o.parent_id)
    assert (order.orderRef, order.account) == (o.order_ref, o.account)
    assert (order.exemptCode, order.whatIf, order.autoCancelParent) == (-1, False, False)
    assert order.midOffsetAtHalf == UNSET_DOUBLE
    assert state.status == "PreSubmitted"
    assert_no_surplus(message)


@pytest.mark.parametrize(
    ("order", "expected_aux"),
    [
        (wire_order(order_type="TRAIL", action="SELL", aux_price=D("2.5")), 2.5),
        (wire_order(order_type="TRAIL", action="SELL", trailing_percent=D("1.5")), UNSET_DOUBLE),
    ],
    ids=["amount", "percent"],
)
def test_open_order_of_a_trailing_stop_reports_its_current_stop(
    order: WireOrder, expected_aux: float
) -> None:
    message = open_order(view(order, trail_stop_price=D("97.5")))
    _, (_, _, decoded, _) = decode_one(message)
    assert (decoded.orderType, decoded.auxPrice, decoded.trailStopPrice) == (
        "TRAIL",
        expected_aux,
        97.5,
    )
    expected_percent = float(order.trailing_percent) if order.trailing_percent else UNSET_DOUBLE
    assert decoded.trailingPercent == expected_percent
    assert_no_surplus(message)


def test_completed_order_decodes_with_perm_ids_and_completion() -> None:
    o = wire_order(order_type="LMT", lmt_price=D("110"), action="SELL", parent_id=11)
    v = view(
        o,
        status="Filled",
        filled=D(100),
        parent_perm_id=1000006,
        completed_time="20240301 14:30:05 UTC",
    )
    message = completed_order(v)
    assert len(wire_fields(message)) == 96
    name, (contract, order, state) = decode_one(message)
    assert (name, contract.symbol) == ("completedOrder", "AAPL")
    assert (order.permId, order.parentPermId, order.filledQuantity) == (1000007, 1000006, 100.0)
    assert (order.action, order.lmtPrice, order.orderType) == ("SELL", 110.0, "LMT")
    assert (state.status, state.completedStatus) == ("Filled", "Filled")
    assert state.completedTime == "20240301 14:30:05 UTC"
    assert order.midOffsetAtHalf == UNSET_DOUBLE
    assert_no_surplus(message)


def execution(**kw: Any) -> ExecutionView:
    base: dict[str, Any] = {
        "exec_id": "S1.00000001.01.01",
        "order_id": 12,
        "client_id": 3,
        "perm_id": 1000007,
        "contract": AAPL,
        "account": "DU123456",
        "exchange": "SIM",
        "side": "BOT",
        "shares": D(40),
        "price": D("187.25"),
        "cum_qty": D(40),
        "avg_price": D("187.25"),
        "order_ref": "client-42",
        "time": T0,
    }
    return ExecutionView(**(base | kw))


@pytest.mark.parametrize("req_id", [-1, 17])
def test_exec_details_decodes_live_and_requested(req_id: int) -> None:
    message = outgoing.exec_details(req_id, execution())
    assert len(wire_fields(message)) == 32
    name, (decoded_req_id, contract, ex) = decode_one(message)
    assert (name, decoded_req_id, contract.conId) == ("execDetails", req_id, 900001)
    assert (ex.execId, ex.orderId, ex.clientId, ex.permId) == ("S1.00000001.01.01", 12, 3, 1000007)
    assert (ex.side, ex.shares, ex.price, ex.cumQty, ex.avgPrice) == ("BOT", 40, 187.25, 40, 187.25)
    assert (ex.acctNumber, ex.exchange, ex.orderRef) == ("DU123456", "SIM", "client-42")
    assert ex.time == T0
    assert ex.pendingPriceRevision is False
    assert_no_surplus(message)


def test_exec_details_time_in_another_zone_is_sent_as_utc() -> None:
    local = T0.astimezone(datetime.now().astimezone().tzinfo)
    _, (_, _, ex) = decode_one(outgoing.exec_details(-1, execution(time=local)))
    assert ex.time == T0


def test_commission_report() -> None:
    message = outgoing.commission_report("S1.00000001.01.01", D("1.25"), "USD", 12)
    name, (report,) = decode_one(message)
    assert name == "commissionReport"
    assert (report.execId, report.commission, report.currency) == (
        "S1.00000001.01.01",
        1.25,
        "USD",
    )
    assert_no_surplus(message)


def test_position() -> None:
    contract = replace(AAPL, primary_exchange="NASDAQ")
    message = outgoing.position("DU123456", contract, D(-40), D("187.25"))
    assert decode_one(message)[1][2:] == (-40.0, 187.25)
    name, (account, decoded, _, _) = decode_one(message)
    assert (name, account, decoded.symbol, decoded.exchange) == (
        "position",
        "DU123456",
        "AAPL",
        "SMART",
    )
    assert_no_surplus(message)
