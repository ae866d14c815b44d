"""What the caller's token lets a call reach: its accounts bound every call, admin ones too."""

from __future__ import annotations

from ibkr_gateway.errors import PermissionDenied
from ibkr_gateway.order.manager import OrderManager, order_not_found
from ibkr_gateway.order.models import Order
from ibkr_gateway.security.auth import principal


def visible_order(manager: OrderManager, order_id: str) -> Order:
    """The order, if the caller may use its account; otherwise exactly the answer for an
    id that does not exist, so that other accounts' order ids cannot be probed."""
    order = manager.get(order_id)
    if not principal().may_access(order.spec.account):
        raise order_not_found(order_id)
    return order


def require_every_account(action: str) -> None:
    """For calls whose effect reaches every account's orders (the simulated market's
    prices, its trading day): a token limited to some accounts may not make them."""
    who = principal()
    if not who.all_accounts:
        raise PermissionDenied(
            f"token {who.name!r} is limited to some accounts; {action} acts on every account",
            reason="ALL_ACCOUNTS_REQUIRED",
            metadata={"action": action},
        )
