"""The audit trail records every mutating call: who, what, result, time; reads are not."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2, simulator_pb2

from tests.service.conftest import limit_spec, order_spec, start_gateway, stop_gateway, submit


async def test_mutating_calls_are_audited_durably(db: str) -> None:
    gw = await start_gateway(db)
    order = await submit(gw, limit_spec("aud-1", "50"))
    await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order.order_id))
    await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=order.order_id))
    with pytest.raises(grpc.aio.AioRpcError):
        await submit(gw, order_spec("aud-bad", quantity="0"))
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="101"))
    await stop_gateway(gw)  # flushes the queue; the trail must survive a restart

    gw = await start_gateway(db)
    try:
        records: list[gateway_pb2.AuditRecord] = []
        token = ""
        while True:
            page = await gw.stub.ListAuditRecords(
                gateway_pb2.ListAuditRecordsRequest(page_size=2, page_token=token)
            )
            records += page.records
            token = page.next_page_token
            if not token:
                break
        methods = [r.method.rsplit("/", 1)[1] for r in records]
        assert methods == ["SubmitOrder", "CancelOrder", "SubmitOrder", "SetPrice"]
        submit_ok, cancel, submit_bad, _ = records
        assert (submit_ok.status, submit_ok.detail) == ("OK", order.order_id)
        assert json.loads(submit_ok.request_json)["order"]["client_order_id"] == "aud-1"
        assert cancel.detail == order.order_id
        assert submit_bad.status == "INVALID_ARGUMENT"
        assert "quantity" in submit_bad.detail
        assert all(r.principal == "local" for r in records)
        assert [r.id for r in records] == sorted(r.id for r in records)
        assert all(r.time.seconds > 0 for r in records)
    finally:
        await stop_gateway(gw)


async def test_a_request_json_cannot_express_is_still_audited(tmp_path: Path) -> None:
    gw = await start_gateway(tmp_path / "odd.db")
    try:
        spec = limit_spec("odd", tif=orders_pb2.TIME_IN_FORCE_GTD)
        spec.good_till_time.seconds = 2**62  # beyond what a JSON timestamp can hold
        with pytest.raises(grpc.aio.AioRpcError):
            await submit(gw, spec)
        trail = await gw.stub.ListAuditRecords(gateway_pb2.ListAuditRecordsRequest())
        assert [r.status for r in trail.records] == ["INVALID_ARGUMENT"]
        assert "unrepresentable_request" in trail.records[0].request_json
    finally:
        await stop_gateway(gw)


async def test_a_batch_is_one_record_with_the_orders_it_created(tmp_path: Path) -> None:
    gw = await start_gateway(tmp_path / "batch.db")
    try:
        specs = [
            limit_spec("ab-1", "50"),
            order_spec("ab-bad", quantity="0"),
            limit_spec("ab-2", "50", account="DU2"),
        ]
        response = await gw.stub.SubmitOrders(gateway_pb2.SubmitOrdersRequest(orders=specs))
        created = [r.order for r in response.results if r.HasField("order")]
        assert [o.spec.client_order_id for o in created] == ["ab-1", "ab-2"]
        trail = await gw.stub.ListAuditRecords(gateway_pb2.ListAuditRecordsRequest())
        (record,) = trail.records
        assert record.method.endswith("/SubmitOrders")
        assert (record.status, record.detail) == ("OK", " ".join(o.order_id for o in created))
        assert sorted(record.accounts) == ["DU123456", "DU2"]
        orders = json.loads(record.request_json)["orders"]
        assert [o["client_order_id"] for o in orders] == ["ab-1", "ab-bad", "ab-2"]
    finally:
        await stop_gateway(gw)
