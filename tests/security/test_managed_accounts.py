"""Orders go only to accounts the broker login manages; any other is refused before storing."""

from __future__ import annotations

import grpc
import pytest
from ibkr.gateway.v1 import gateway_pb2

from tests.service.conftest import Gateway, error_details, limit_spec, submit


async def test_an_order_for_an_unmanaged_account_is_invalid_and_never_stored(
    gw: Gateway,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, limit_spec("stranger", account="DU999"))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    reason, fields = error_details(caught.value)
    assert (reason, list(fields)) == ("INVALID_ARGUMENT", ["order.account"])
    assert "not an account this gateway manages" in fields["order.account"]

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.SubmitBracketOrder(
            gateway_pb2.SubmitBracketOrderRequest(
                parent=limit_spec("stranger-b", "100", account="DU999"),
                take_profit_limit_price="110",
                stop_loss_stop_price="90",
            )
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(error_details(caught.value)[1]) == ["parent.account"]

    assert gw.server.store.last_sequence == 0
    assert gw.server.sim_broker is not None
    assert gw.server.sim_broker.exchange.orders == {}


async def test_the_default_and_the_configured_sim_accounts_are_managed(gw: Gateway) -> None:
    assert gw.server.broker.managed_accounts() == {"DU123456", "DU2", "DU3"}
    for account in ("", "DU123456", "DU2", "DU3"):
        order = await submit(gw, limit_spec(f"managed-{account}", account=account))
        assert order.spec.account == (account or "DU123456")
