"""SubmitOrders: many orders in one call, each answered on its own (its order or the
status SubmitOrder would have failed with), each idempotent on its own client_order_id,
the new ones journaled in one group commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2, status_pb2
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway.event.events import JournalEvent, OrderEvent
from ibkr_gateway_client import AlreadyExistsError, AsyncGatewayClient, InvalidArgumentError
from tests.service.conftest import (
    Gateway,
    error_details,
    limit_spec,
    order_spec,
    reaches,
    read_events,
    start_gateway,
    stop_gateway,
    submit,
)

S = orders_pb2


async def submit_orders(
    gw: Gateway, specs: Sequence[orders_pb2.OrderSpec]
) -> list[gateway_pb2.SubmitOrderResult]:
    response = await gw.stub.SubmitOrders(gateway_pb2.SubmitOrdersRequest(orders=specs))
    assert len(response.results) == len(specs)
    return list(response.results)


def refusal(result: gateway_pb2.SubmitOrderResult) -> tuple[int, str, dict[str, str]]:
    """(google.rpc code, ErrorInfo.reason, BadRequest fields) of a refused order."""
    assert result.WhichOneof("result") == "error", result
    status: status_pb2.Status = result.error
    reason, fields = "", {}
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields = {v.field: v.description for v in bad.field_violations}
    return status.code, reason, fields


def committed_batches(gw: Gateway) -> list[list[JournalEvent]]:
    """Every group commit from here on, as the store hands it to its listener."""
    store = gw.server.store
    batches: list[list[JournalEvent]] = []
    publish = store._listener

    def record(events: Sequence[JournalEvent]) -> None:
        batches.append(list(events))
        publish(events)

    store.set_commit_listener(record)
    return batches


async def test_each_order_is_answered_at_its_index_valid_or_not(gw: Gateway) -> None:
    specs = [
        limit_spec("b-1"),
        order_spec("b-2", quantity="-5"),
        limit_spec("b-3", symbol="MSFT"),
        order_spec("b-4", order_type=S.ORDER_TYPE_LIMIT),  # no limit price
        order_spec("b-5", account="NOT-MANAGED"),
    ]
    results = await submit_orders(gw, specs)
    first, third = results[0].order, results[2].order
    assert (first.spec.client_order_id, third.spec.client_order_id) == ("b-1", "b-3")
    assert first.status == third.status == S.ORDER_STATUS_PENDING_SUBMIT
    code, reason, fields = refusal(results[1])
    assert reason == "INVALID_ARGUMENT"
    assert code == code_pb2.INVALID_ARGUMENT
    assert "orders[1].quantity" in fields
    assert "orders[3].limit_price" in refusal(results[3])[2]
    assert "orders[4].account" in refusal(results[4])[2]
    # The valid ones are real orders, on the stream like any other.
    events = await read_events(gw, until=reaches(third.order_id, S.ORDER_STATUS_SUBMITTED))
    assert {e.order_id for e in events} == {first.order_id, third.order_id}
    # The refused ones do not exist.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id="b-2"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_the_new_orders_are_journaled_in_one_group_commit(gw: Gateway) -> None:
    batches = committed_batches(gw)
    results = await submit_orders(gw, [limit_spec(f"g-{n}") for n in range(50)])
    ids = {r.order.order_id for r in results}
    assert len(ids) == 50
    creations = [b for b in batches if any(e.order_id in ids for e in b)]
    created = [e for e in creations[0] if isinstance(e, OrderEvent)]
    assert len(created) == len(creations[0])
    assert {e.order_id for e in created} == ids
    assert [e.order.status.value for e in created] == ["PENDING_SUBMIT"] * 50
    # In the order of the request, with consecutive sequences.
    assert [e.client_order_id for e in created] == [f"g-{n}" for n in range(50)]
    sequences = [e.sequence for e in created]
    assert sequences == list(range(sequences[0], sequences[0] + 50))


async def test_a_retried_batch_returns_the_same_orders_and_conflicts_per_order(
    gw: Gateway,
) -> None:
    specs = [limit_spec("r-1"), limit_spec("r-2"), order_spec("r-bad", quantity="0")]
    first = await submit_orders(gw, specs)
    again = await submit_orders(gw, specs)
    assert [r.order.order_id for r in again[:2]] == [r.order.order_id for r in first[:2]]
    assert refusal(again[2])[0] == code_pb2.INVALID_ARGUMENT
    # One retried with a different spec, one new: a conflict and a new order.
    changed = [limit_spec("r-1", price="49"), limit_spec("r-3")]
    mixed = await submit_orders(gw, changed)
    code, reason, _ = refusal(mixed[0])
    assert (code, reason) == (code_pb2.ALREADY_EXISTS, "CLIENT_ORDER_ID_CONFLICT")
    assert mixed[1].order.spec.client_order_id == "r-3"
    # A single submit of an id the batch created is a retry too.
    assert (await submit(gw, limit_spec("r-2"))).order_id == first[1].order.order_id


async def test_an_id_repeated_in_one_batch_is_a_retry_or_a_conflict(gw: Gateway) -> None:
    results = await submit_orders(
        gw, [limit_spec("d-1"), limit_spec("d-1"), limit_spec("d-1", price="48")]
    )
    assert results[0].order.order_id == results[1].order.order_id
    assert refusal(results[2])[1] == "CLIENT_ORDER_ID_CONFLICT"


async def test_the_request_as_a_whole_must_hold_one_to_1000_orders(gw: Gateway) -> None:
    for specs in ([], [limit_spec(f"m-{n}") for n in range(1001)]):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await submit_orders(gw, specs)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "orders" in error_details(caught.value)[1]


RISK = """
[defaults]
max_quantity = "1000"
max_open_orders = 3

[accounts.DU2]
allowed_symbols = ["MSFT"]
"""


@pytest.fixture
async def risky(tmp_path: Path) -> AsyncIterator[Gateway]:
    risk = tmp_path / "risk.toml"
    risk.write_text(RISK)
    gateway = await start_gateway(tmp_path / "risk.db", risk_file=str(risk))
    try:
        yield gateway
    finally:
        await stop_gateway(gateway)


async def test_risk_limits_apply_to_each_order_counting_the_batch_before_it(
    risky: Gateway,
) -> None:
    results = await submit_orders(
        risky,
        [
            limit_spec("k-1"),
            limit_spec("k-big", quantity="1001"),
            limit_spec("k-2"),
            limit_spec("k-aapl", account="DU2"),
            limit_spec("k-3"),
            limit_spec("k-4"),  # the account's fourth open order
        ],
    )
    assert [r.WhichOneof("result") for r in results] == [
        "order",
        "error",
        "order",
        "error",
        "order",
        "error",
    ]
    assert refusal(results[1])[:2] == (code_pb2.FAILED_PRECONDITION, "RISK_MAX_QUANTITY")
    assert refusal(results[3])[1] == "RISK_SYMBOL_NOT_ALLOWED"
    assert refusal(results[5])[1] == "RISK_MAX_OPEN_ORDERS"


async def test_the_kill_switch_refuses_every_order_of_a_batch(gw: Gateway) -> None:
    await gw.stub.SetKillSwitch(gateway_pb2.SetKillSwitchRequest(engaged=True, reason="test"))
    results = await submit_orders(gw, [limit_spec("ks-1"), limit_spec("ks-2")])
    assert [refusal(r)[:2] for r in results] == [
        (code_pb2.FAILED_PRECONDITION, "KILL_SWITCH_ENGAGED")
    ] * 2
    await gw.stub.SetKillSwitch(gateway_pb2.SetKillSwitchRequest(engaged=False))
    assert (await submit_orders(gw, [limit_spec("ks-1")]))[0].HasField("order")


async def test_a_halted_account_refuses_only_its_own_orders(gw: Gateway) -> None:
    await gw.stub.SetKillSwitch(
        gateway_pb2.SetKillSwitchRequest(engaged=True, reason="test", accounts=["DU2"])
    )
    results = await submit_orders(gw, [limit_spec("h-1", account="DU2"), limit_spec("h-2")])
    assert refusal(results[0])[1] == "KILL_SWITCH_ENGAGED"
    assert results[1].order.spec.client_order_id == "h-2"


async def test_the_python_client_answers_orders_and_typed_errors(gw: Gateway) -> None:
    async with AsyncGatewayClient(f"127.0.0.1:{gw.server.port}") as client:
        specs = [
            client.order_spec(
                "AAPL", "BUY", 10, order_type="LIMIT", limit_price=50, client_order_id="py-1"
            ),
            client.order_spec("AAPL", "BUY", 0, client_order_id="py-2"),
        ]
        order, error = await client.submit_orders(specs)
        assert not isinstance(order, Exception)
        assert order.client_order_id == "py-1"
        assert isinstance(error, InvalidArgumentError)
        assert "orders[1].quantity" in error.field_violations
        specs[0].limit_price = "49"
        (conflict,) = await client.submit_orders(specs[:1])
        assert isinstance(conflict, AlreadyExistsError)
        assert conflict.reason == "CLIENT_ORDER_ID_CONFLICT"


async def test_the_python_client_fixes_an_id_for_a_spec_without_one(gw: Gateway) -> None:
    """A retried batch must not create an order twice: the id is chosen before the first
    attempt, not by the gateway at each."""
    async with AsyncGatewayClient(f"127.0.0.1:{gw.server.port}") as client:
        spec = client.order_spec("AAPL", "BUY", 10, order_type="LIMIT", limit_price=50)
        spec.client_order_id = ""
        (order,) = await client.submit_orders([spec])
        assert not isinstance(order, Exception)
        assert order.client_order_id.startswith("py-")
        assert spec.client_order_id == ""
