"""The original design's setup example, run against the TWS simulator: its import names
still work and wire the OrderManager to IB."""

from __future__ import annotations

from pathlib import Path

from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.gateway import IBGateway, IBGatewayConfig
from ibkr_gateway.gateway_order_manager import OrderGatewayIntegration
from ibkr_gateway.ib import config as ib_config
from ibkr_gateway.ib import gateway as ib_gateway
from ibkr_gateway.ib import integration as ib_integration
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.sim.tws import DEFAULT_ACCOUNT, TwsSimulator
from ibkr_gateway.store.sqlite import SqliteOrderStore


def test_the_original_names_are_the_ib_adapters_classes() -> None:
    assert IBGateway is ib_gateway.IBGateway
    assert IBGatewayConfig is ib_config.IBGatewayConfig
    assert OrderGatewayIntegration is ib_integration.OrderGatewayIntegration


async def test_the_setup_example_connects_the_order_manager_to_ib(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    event_bus = EventBus()
    config = IBGatewayConfig(
        host="127.0.0.1",
        port=sim.port,
        client_id=1,
        account_id=DEFAULT_ACCOUNT,
        trading_mode="paper",
        connect_timeout=5.0,
    )
    gateway = IBGateway(config)
    # The example's OrderManager had no journal; today's needs one.
    store = SqliteOrderStore(tmp_path / "setup.db")
    order_manager = OrderManager(event_bus, store, default_account=DEFAULT_ACCOUNT)

    integration = OrderGatewayIntegration(gateway, order_manager)
    integration.initialize()
    try:
        await gateway.connect_gateway()
        assert gateway.state is ib_gateway.ConnectionState.CONNECTED
        assert gateway.managed_accounts() == {DEFAULT_ACCOUNT}
        assert order_manager.broker is gateway
    finally:
        await integration.shutdown()
        await store.close()
