"""What every new or changed order must pass: the kill switch, then the risk limits."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from datetime import datetime

from ibkr_gateway.errors import FailedPrecondition
from ibkr_gateway.order.models import OrderSpec
from ibkr_gateway.risk.engine import RiskEngine
from ibkr_gateway.store.base import OrderStore

KILL_SWITCH_KEY = "kill_switch"


@dataclass(frozen=True, slots=True)
class KillSwitchState:
    engaged: bool = False
    reason: str = ""
    set_by: str = ""
    set_time: datetime | None = None


class OrderGuard:
    def __init__(self, store: OrderStore, risk: RiskEngine | None = None) -> None:
        self.store = store
        self.risk = risk
        saved = store.get_setting(KILL_SWITCH_KEY)
        self.kill_switch = KillSwitchState()
        if saved:
            data = json.loads(saved)
            self.kill_switch = KillSwitchState(
                engaged=data["engaged"],
                reason=data["reason"],
                set_by=data["set_by"],
                set_time=datetime.fromisoformat(data["set_time"]) if data["set_time"] else None,
            )

    def set_kill_switch(
        self, engaged: bool, reason: str, set_by: str, now: datetime
    ) -> asyncio.Future[None]:
        """Takes effect at once; the future resolves once the state is durable. While
        the store cannot write, a restart would come back with the last recorded state,
        which for a release is the safe side (still halted)."""
        self.kill_switch = replace(
            self.kill_switch, engaged=engaged, reason=reason, set_by=set_by, set_time=now
        )
        return self.store.save_setting(
            KILL_SWITCH_KEY,
            json.dumps(
                {
                    "engaged": engaged,
                    "reason": reason,
                    "set_by": set_by,
                    "set_time": now.isoformat(),
                }
            ),
        )

    def check_new(self, spec: OrderSpec, caller: str, open_orders: int, added: int = 1) -> None:
        if self.kill_switch.engaged:
            raise FailedPrecondition(
                f"trading is halted by the kill switch: {self.kill_switch.reason or 'no reason'}",
                reason="KILL_SWITCH_ENGAGED",
                metadata={"set_by": self.kill_switch.set_by},
            )
        if self.risk is not None:
            self.risk.check_rate(caller)
            self.risk.check_order(spec, open_orders + added - 1)

    def check_change(self, spec: OrderSpec) -> None:
        """A modification adds no open order and is not rate limited."""
        if self.risk is not None:
            self.risk.check_order(spec, open_orders=0)
