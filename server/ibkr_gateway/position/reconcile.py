"""Which positions differ between the gateway's book and the broker's, per (account,
contract): the pure part of reconciliation.

A broker position is matched to a gateway position by IB contract id where the gateway
knows it, else by the contract's terms (`contract_key`). A position the broker does
not list is held at 0 there, and so is one the gateway never recorded. Only
quantities are compared: IB and the gateway may round the average cost differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ibkr_gateway.broker import BrokerPosition
from ibkr_gateway.order.models import Contract
from ibkr_gateway.position.models import Position, contract_key

Key = tuple[str, str]
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Difference:
    key: Key
    contract: Contract
    gateway_quantity: Decimal
    broker_quantity: Decimal
    # The broker's average cost (IB's avgCost); 0 when it holds nothing.
    broker_average_cost: Decimal

    @property
    def account(self) -> str:
        return self.key[0]


def differences(
    gateway: Iterable[Position], broker: Iterable[BrokerPosition], accounts: frozenset[str]
) -> list[Difference]:
    """The (account, contract)s of `accounts` whose quantities differ, by key."""
    ours = {p.key: p for p in gateway if p.account in accounts}
    by_con_id = {(p.account, p.contract.con_id): k for k, p in ours.items() if p.contract.con_id}
    theirs: dict[Key, BrokerPosition] = {}
    for b in broker:
        if b.account not in accounts:
            continue
        key = by_con_id.get((b.account, b.contract.con_id)) if b.contract.con_id else None
        theirs[key or (b.account, contract_key(b.contract))] = b
    found = []
    for key in sorted(ours.keys() | theirs.keys()):
        mine, held = ours.get(key), theirs.get(key)
        quantity = mine.quantity if mine is not None else ZERO
        at_broker = held.quantity if held is not None else ZERO
        if quantity == at_broker:
            continue
        if held is None:
            assert mine is not None
            contract, cost = mine.contract, ZERO
        else:
            contract = mine.contract if mine is not None else held.contract
            cost = held.average_cost
        found.append(Difference(key, contract, quantity, at_broker, cost))
    return found
