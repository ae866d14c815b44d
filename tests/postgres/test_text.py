"""PostgreSQL text cannot hold NUL: a caller's NUL never fails a commit (which would hold
up every commit after it) and reads back as U+FFFD where it is not JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from ibkr.gateway.v1 import gateway_pb2

from ibkr_gateway.store.base import AuditRecord
from ibkr_gateway.store.postgres import PostgresOrderStore
from tests.pg import PostgresServer
from tests.service.conftest import limit_spec, start_gateway, stop_gateway, submit


async def test_nul_in_free_text_is_stored_as_a_stand_in(postgres: PostgresServer) -> None:
    store = PostgresOrderStore(postgres.new_database(), "desk")
    try:
        store.append_audit(
            AuditRecord(
                time=datetime.now(UTC),
                principal="ops\x00",
                method="SetKillSwitch",
                request_json='{"reason": "a\\u0000b"}',
                status="OK",
                detail="halted: a\x00b",
                accounts=frozenset({"DU1\x00"}),
            )
        )
        await store.save_setting("kill_switch_reason", "a\x00b")
        assert store.failure is None
        [record] = store.list_audit(0, 10)
        assert (record.principal, record.detail) == ("ops\ufffd", "halted: a\ufffdb")
        assert record.accounts == frozenset({"DU1\ufffd"})
        # Looked up the way it was written.
        assert store.get_setting("kill_switch_reason") == "a\ufffdb"
    finally:
        await store.close()


async def test_a_request_with_nul_leaves_the_gateway_serving(postgres: PostgresServer) -> None:
    gw = await start_gateway(postgres.new_database())
    try:
        # Audited with the account it names.
        await gw.stub.CancelAllOrders(gateway_pb2.CancelAllOrdersRequest(account="DU\x00"))
        order = await submit(gw, limit_spec("after-nul"))
        assert order.spec.client_order_id == "after-nul"
        assert gw.server.store.failure is None
        audited = gw.server.store.list_audit(0, 100)
        assert any("\ufffd" in r.detail or "DU\ufffd" in r.accounts for r in audited)
    finally:
        await stop_gateway(gw)
