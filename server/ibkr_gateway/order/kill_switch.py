"""OrderManager's kill switch: the gateway-wide one and the halts of single accounts."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from ibkr_gateway.order.core import ManagerCore, log
from ibkr_gateway.order.models import Order


class KillSwitch(ManagerCore):
    """The kill switch part of OrderManager."""

    if TYPE_CHECKING:

        async def _cancel_all(self, account: str, *, urgent: bool) -> list[Order]: ...

    async def set_kill_switch(
        self,
        engaged: bool,
        reason: str,
        set_by: str,
        accounts: Collection[str] | None = None,
    ) -> list[Order]:
        """Engaging halts new orders at once, then cancels the working ones at the
        broker: every account's for the gateway-wide switch (accounts None), else only
        those of `accounts`, each halted on its own. It works while the store cannot
        write: the state and the cancels are then recorded as soon as it can. Returns
        the orders a cancel was requested for."""
        now = self._clock()
        cancelled: list[Order] = []
        if accounts is None:
            saved = self.guard.set_kill_switch(engaged, reason, set_by, now)
            if engaged:
                cancelled = await self._cancel_all("", urgent=True)
        else:
            saved = self.guard.set_account_halts(accounts, engaged, reason, set_by, now)
            if engaged:
                for account in sorted(accounts):
                    cancelled += await self._cancel_all(account, urgent=True)
        if not await self.store.wait_durable(saved):
            log.critical(
                "kill switch %s but not yet recorded: the order store cannot write (%s)",
                "engaged" if engaged else "released",
                self.store.failure,
            )
        return cancelled
