"""Contract qualification on the IB backend: IB names the contract before an order goes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import grpc
import ib_async
import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.contracts import con_id_for
from tests.ib.test_gateway_ib import IbGateway, start_ib_gateway, stop_ib_gateway, submit
from tests.service.conftest import error_details, limit_spec, order_spec

S = orders_pb2


@pytest.fixture
async def gw(sim: TwsSimulator, tmp_path: Path) -> AsyncIterator[IbGateway]:
    gateway = await start_ib_gateway(sim, tmp_path / "qualify.db")
    try:
        yield gateway
    finally:
        await stop_ib_gateway(gateway)


async def refused(gw: IbGateway, spec: orders_pb2.OrderSpec) -> tuple[str, dict[str, str]]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, spec)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    return error_details(caught.value)


async def nothing_stored_or_sent(gw: IbGateway, sim: TwsSimulator, coid: str) -> None:
    assert [r for r in sim.desk.records.values() if r.order.order_ref == coid] == []
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id=coid))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_an_order_carries_the_con_id_ib_named(gw: IbGateway) -> None:
    order = await submit(gw, limit_spec("q-aapl", "50"))
    assert order.spec.contract.con_id == con_id_for("AAPL")
    # The caller's own request still identifies it: a retry is the same order.
    again = await submit(gw, limit_spec("q-aapl", "50"))
    assert again.order_id == order.order_id


async def test_an_unknown_contract_is_refused_before_anything_is_stored(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    spec = limit_spec("q-unknown", "50")
    spec.contract.symbol = "NOSUCH"
    reason, fields = await refused(gw, spec)
    assert reason == "UNKNOWN_CONTRACT"
    assert "NOSUCH" in fields["order.contract"]
    await nothing_stored_or_sent(gw, sim, "q-unknown")


async def test_an_ambiguous_contract_is_refused_with_ibs_candidates(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    calls = [sim.queries.contracts.add_option("AAPL", "20270115", k, "C") for k in ("150", "160")]
    spec = limit_spec("q-ambiguous", "5")
    spec.contract.sec_type = S.SECURITY_TYPE_OPTION
    spec.contract.multiplier = "100"
    reason, fields = await refused(gw, spec)
    assert reason == "AMBIGUOUS_CONTRACT"
    for listing in calls:
        assert f"conId {listing.con_id}" in fields["order.contract"]
    await nothing_stored_or_sent(gw, sim, "q-ambiguous")
    spec.contract.strike = "160"
    spec.contract.right = "C"
    spec.contract.last_trade_date_or_contract_month = "20270115"
    order = await submit(gw, spec)
    assert order.spec.contract.con_id == calls[1].con_id


async def test_prices_off_the_contracts_tick_are_refused(gw: IbGateway, sim: TwsSimulator) -> None:
    _, fields = await refused(gw, limit_spec("q-tick", "50.005"))
    assert "minimum tick 0.01" in fields["order.limit_price"]
    await nothing_stored_or_sent(gw, sim, "q-tick")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.SubmitBracketOrder(
            gateway_pb2.SubmitBracketOrderRequest(
                parent=limit_spec("q-br", "50"),
                take_profit_limit_price="55.001",
                stop_loss_stop_price="45",
            )
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "take_profit_limit_price" in error_details(caught.value)[1]
    await nothing_stored_or_sent(gw, sim, "q-br")


async def test_offsets_off_the_contracts_tick_are_refused_however_small(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    spec = limit_spec("q-peg", "50")
    spec.order_type = S.ORDER_TYPE_RELATIVE
    spec.peg_offset = "0.005"
    _, fields = await refused(gw, spec)
    assert "minimum tick 0.01" in fields["order.peg_offset"]
    trail = order_spec(
        "q-trail-limit",
        side=S.SIDE_SELL,
        order_type=S.ORDER_TYPE_TRAILING_STOP_LIMIT,
        trailing_amount="1",
        limit_offset="0.015",
    )
    _, fields = await refused(gw, trail)
    assert "minimum tick 0.01" in fields["order.limit_offset"]
    await nothing_stored_or_sent(gw, sim, "q-peg")
    spec.peg_offset = "0.01"
    order = await submit(gw, spec)
    assert order.spec.peg_offset == "0.01"


async def test_ib_is_asked_once_per_contract(gw: IbGateway) -> None:
    asked: list[ib_async.Contract] = []
    lookup = gw.ib.qualifier._lookup

    async def counting(contract: ib_async.Contract) -> Sequence[ib_async.ContractDetails]:
        asked.append(contract)
        return await lookup(contract)

    gw.ib.qualifier._lookup = counting
    for i in range(3):
        await submit(gw, limit_spec(f"q-once-{i}", "50"))
    assert [c.symbol for c in asked] == ["AAPL"]


async def test_each_order_of_a_batch_is_qualified_on_its_own(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    unknown = limit_spec("qb-unknown", "50")
    unknown.contract.symbol = "NOSUCH"
    specs = [limit_spec("qb-aapl", "50"), unknown, limit_spec("qb-tick", "50.005")]
    response = await gw.stub.SubmitOrders(gateway_pb2.SubmitOrdersRequest(orders=specs))
    placed, refused_unknown, refused_tick = response.results
    assert placed.order.spec.contract.con_id == con_id_for("AAPL")
    for refusal in (refused_unknown, refused_tick):
        assert refusal.error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "orders[1].contract" in str(refused_unknown.error)
    assert "orders[2].limit_price" in str(refused_tick.error)
    for coid in ("qb-unknown", "qb-tick"):
        await nothing_stored_or_sent(gw, sim, coid)
    # A retry of the batch is answered with the same order.
    again = await gw.stub.SubmitOrders(gateway_pb2.SubmitOrdersRequest(orders=specs[:1]))
    assert again.results[0].order.order_id == placed.order.order_id
