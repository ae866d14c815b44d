"""What every new or changed order must pass: the kill switch, then the risk limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ibkr_gateway.errors import FailedPrecondition
from ibkr_gateway.order.models import OrderSpec
from ibkr_gateway.risk.engine import RiskEngine
from ibkr_gateway.store.base import OrderStore

KILL_SWITCH_KEY = "kill_switch"
# Halts of single accounts, kept apart from the gateway-wide switch so that a store
# written before they existed reads the same.
ACCOUNT_HALTS_KEY = "kill_switch_accounts"


@dataclass(frozen=True, slots=True)
class KillSwitchState:
    engaged: bool = False
    reason: str = ""
    set_by: str = ""
    set_time: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "engaged": self.engaged,
            "reason": self.reason,
            "set_by": self.set_by,
            "set_time": self.set_time.isoformat() if self.set_time else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> KillSwitchState:
        return cls(
            engaged=data["engaged"],
            reason=data["reason"],
            set_by=data["set_by"],
            set_time=datetime.fromisoformat(data["set_time"]) if data["set_time"] else None,
        )


class OrderGuard:
    def __init__(self, store: OrderStore, risk: RiskEngine | None = None) -> None:
        self.store = store
        self.risk = risk
        saved = store.get_setting(KILL_SWITCH_KEY)
        self.kill_switch = (
            KillSwitchState.from_json(json.loads(saved)) if saved else KillSwitchState()
        )
        halts = store.get_setting(ACCOUNT_HALTS_KEY)
        # Only engaged halts are kept: releasing an account removes it.
        self.account_halts: dict[str, KillSwitchState] = {
            account: KillSwitchState.from_json(state)
            for account, state in (json.loads(halts) if halts else {}).items()
        }

    def set_kill_switch(
        self, engaged: bool, reason: str, set_by: str, now: datetime
    ) -> asyncio.Future[None]:
        """The gateway-wide switch; halts of single accounts stay as they are. Takes
        effect at once; the future resolves once the state is durable. While the store
        cannot write, a restart would come back with the last recorded state, which for
        a release is the safe side (still halted)."""
        self.kill_switch = KillSwitchState(engaged, reason, set_by, now)
        return self.store.save_setting(KILL_SWITCH_KEY, json.dumps(self.kill_switch.to_json()))

    def set_account_halts(
        self, accounts: Iterable[str], engaged: bool, reason: str, set_by: str, now: datetime
    ) -> asyncio.Future[None]:
        """Like set_kill_switch, for single accounts."""
        halts = dict(self.account_halts)
        for account in accounts:
            if engaged:
                halts[account] = KillSwitchState(True, reason, set_by, now)
            else:
                halts.pop(account, None)
        self.account_halts = halts
        return self.store.save_setting(
            ACCOUNT_HALTS_KEY,
            json.dumps({account: state.to_json() for account, state in sorted(halts.items())}),
        )

    def halted(self, account: str) -> bool:
        return self.kill_switch.engaged or account in self.account_halts

    def _check_halts(self, account: str) -> None:
        if self.kill_switch.engaged:
            raise FailedPrecondition(
                f"trading is halted by the kill switch: {self.kill_switch.reason or 'no reason'}",
                reason="KILL_SWITCH_ENGAGED",
                metadata={"set_by": self.kill_switch.set_by},
            )
        halt = self.account_halts.get(account)
        if halt is not None:
            raise FailedPrecondition(
                f"trading in account {account} is halted by the kill switch: "
                f"{halt.reason or 'no reason'}",
                reason="KILL_SWITCH_ENGAGED",
                metadata={"set_by": halt.set_by, "account": account},
            )

    def check_new(
        self,
        spec: OrderSpec,
        caller: str,
        open_orders: int,
        added: int = 1,
        linked: Sequence[OrderSpec] = (),
    ) -> None:
        """`linked`: orders placed with this one (bracket children), held to the same
        limits, since any of them may trade."""
        self._check_halts(spec.account)
        if self.risk is not None:
            self.risk.check_rate(caller)
            for order in (spec, *linked):
                self.risk.check_order(order, open_orders + added - 1, contingent=order is not spec)

    def breaches(self, spec: OrderSpec, open_orders: int) -> list[FailedPrecondition]:
        """Every refusal check_new would consider, each collected, the order rate aside
        (checking it would use it up)."""
        found: list[FailedPrecondition] = []
        try:
            self._check_halts(spec.account)
        except FailedPrecondition as exc:
            found.append(exc)
        if self.risk is not None:
            found += self.risk.breaches(spec, open_orders)
        return found

    def check_change(self, spec: OrderSpec) -> None:
        """A modification adds no open order and is not rate limited."""
        if self.risk is not None:
            self.risk.check_order(spec, open_orders=0)
