"""The simulated exchange: execution ids, determinism, random scenarios."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as hs

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOrderStatus,
    BrokerReport,
)
from ibkr_gateway.sim.exchange import (
    CANCEL_NOT_CANCELLABLE,
    CANNOT_MODIFY_FILLED,
    ORDER_REJECTED,
    ExchangeError,
    SimOrder,
    SimulatedExchange,
)
from tests.unit.exchange_support import (
    BUY,
    DAY,
    FOK,
    GTC,
    IOC,
    LMT,
    MKT,
    SELL,
    STP,
    STP_LMT,
    SYM,
    T0,
    D,
    exchange,
    executions,
    order,
)

# -- execution ids and determinism -----------------------------------------------------


def scenario(x: SimulatedExchange) -> list[BrokerReport]:
    out: list[BrokerReport] = []
    out += x.place(order(1))
    out += x.place(order(2, SELL, "50", LMT, limit="101"))
    out += x.set_price(SYM, D("100.5"), available=D(20))
    out += x.place(order(3, quantity="40", tif=IOC))
    out += x.set_price(SYM, D(102))
    parent = order(4, order_type=LMT, limit="100.5")
    tp = order(5, SELL, order_type=LMT, limit="105", parent_id=4, oca="b")
    sl = order(6, SELL, order_type=STP, stop="98", parent_id=4, oca="b")
    out += x.place_bracket(parent, tp, sl)
    out += x.set_price(SYM, D(101))
    out += x.fill(4, D(30))
    out += x.set_price(SYM, D(100))
    out += x.set_price(SYM, D(97))
    out += x.place(order(7, order_type=STP_LMT, stop="99", limit="99.5", tif=GTC))
    out += x.modify(7, D(100), D("99.5"), D("98"), GTC)
    x.reject_next_order(201, "rejected")
    out += x.place(order(8))
    out += x.cancel(8)
    out += x.end_of_day()
    out += x.set_price(SYM, D(99))
    return out


def test_execution_ids_are_unique_and_paired_with_commissions() -> None:
    reports = scenario(exchange())
    execs = executions(reports)
    ids = [e.execution_id for e in execs]
    assert len(ids) == 7
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("S1.") for i in ids)
    commission_ids = [r.execution_id for r in reports if isinstance(r, BrokerCommission)]
    assert commission_ids == ids


def test_execution_ids_differ_between_sessions() -> None:
    first = {e.execution_id for e in executions(scenario(exchange("A")))}
    second = {e.execution_id for e in executions(scenario(exchange("B")))}
    assert first.isdisjoint(second)


def test_the_same_scenario_gives_identical_reports() -> None:
    first = scenario(exchange())
    second = scenario(exchange())
    assert first == second
    assert len(first) > 30


def test_scenario_outcome() -> None:
    x = exchange()
    reports = scenario(x)
    filled = {oid: o.filled for oid, o in x.orders.items()}
    status = {oid: o.status for oid, o in x.orders.items()}
    assert filled == {
        1: D(100),
        2: D(50),
        3: D(20),
        4: D(100),
        5: D(0),
        6: D(100),
        7: D(100),
        8: D(0),
    }
    assert status == {
        1: "Filled",
        2: "Filled",
        3: "Cancelled",
        4: "Filled",
        5: "Cancelled",
        6: "Filled",
        7: "Filled",
        8: "Cancelled",
    }
    # Every execution's cumulative quantity matches the running total of its order.
    running: dict[int, Decimal] = {}
    for e in executions(reports):
        running[e.broker_order_id] = running.get(e.broker_order_id, D(0)) + e.quantity
        assert e.cumulative_quantity == running[e.broker_order_id]
    assert running == {oid: q for oid, q in filled.items() if q}


def test_clock_is_read_for_each_execution() -> None:
    times = iter([T0.replace(second=s) for s in range(10)])

    def clock() -> datetime:
        return next(times)

    x = SimulatedExchange(clock=clock)
    x.place(order(1, order_type=LMT, limit="90"))
    reports = x.place(order(2)) + x.fill(1, D(10)) + x.fill(1)
    assert [e.time.second for e in executions(reports)] == [0, 1, 2]


# -- random scenarios ------------------------------------------------------------------

Op = tuple[str, int, int, int]

ops = hs.lists(
    hs.tuples(
        hs.sampled_from(
            ["price", "price", "place", "place", "bracket", "cancel", "modify", "fill", "eod"]
        ),
        hs.integers(min_value=0, max_value=10_000),
        hs.integers(min_value=0, max_value=10_000),
        hs.integers(min_value=0, max_value=10_000),
    ),
    max_size=25,
)

ORDER_TYPES = [MKT, LMT, STP, STP_LMT]
TIFS = [DAY, GTC, IOC, FOK]


def random_order(oid: int, a: int, b: int) -> SimOrder:
    kind = ORDER_TYPES[a % 4]
    side = BUY if a // 4 % 2 else SELL
    level = D(95 + b % 11)
    return order(
        oid,
        side,
        str(1 + b % 7 * 10),
        kind,
        limit=str(level) if kind.needs_limit_price else None,
        stop=str(level + (1 if side is BUY else -1)) if kind.needs_stop_price else None,
        tif=TIFS[a // 8 % 4],
    )


def random_bracket(x: SimulatedExchange, pid: int, a: int, b: int, c: int) -> list[BrokerReport]:
    side = BUY if a % 2 else SELL
    sign = 1 if side is BUY else -1
    entry = D(95 + b % 11)
    parent = order(pid, side, "50", LMT, limit=str(entry))
    if c % 2:
        parent.order_type, parent.limit_price = MKT, None
    children = [
        order(pid + 1, side.opposite, "50", LMT, limit=str(entry + sign * 3)),
        order(pid + 2, side.opposite, "50", STP, stop=str(entry - sign * 3)),
    ]
    for child in children:
        child.parent_id, child.oca_group, child.time_in_force = pid, f"b{pid}", GTC
    return x.place_bracket(parent, *children)


def random_modify(x: SimulatedExchange, target: int, b: int, c: int) -> list[BrokerReport]:
    o = x.orders[target]
    try:
        return x.modify(
            target,
            o.quantity + b % 3,
            None if o.limit_price is None else D(95 + b % 11),
            None if o.stop_price is None else D(95 + c % 11),
            o.time_in_force,
        )
    except ExchangeError as exc:
        if exc.code not in (CANNOT_MODIFY_FILLED, ORDER_REJECTED):
            raise
        return []


def random_fill(x: SimulatedExchange, target: int, b: int) -> list[BrokerReport]:
    if x.orders[target].parent_id:
        return []  # test control may trade anything; keep brackets market-driven
    try:
        return x.fill(target, D(1 + b % 30))
    except ExchangeError as exc:
        if exc.code not in (CANCEL_NOT_CANCELLABLE, ORDER_REJECTED):
            raise
        return []


def run_ops(x: SimulatedExchange, script: list[Op]) -> list[BrokerReport]:
    out: list[BrokerReport] = []
    next_id = 1
    for name, a, b, c in script:
        if name == "price":
            out += x.set_price(SYM, D(93 + a % 15), None if b % 3 else D(c % 50))
        elif name == "place":
            out += x.place(random_order(next_id, a, b))
            next_id += 1
        elif name == "bracket":
            out += random_bracket(x, next_id, a, b, c)
            next_id += 3
        elif name == "eod":
            out += x.end_of_day()
        elif x.orders:
            ids = sorted(x.orders)
            target = ids[a % len(ids)]
            if name == "cancel":
                out += x.cancel(target)
            elif name == "modify":
                out += random_modify(x, target, b, c)
            else:
                out += random_fill(x, target, b)
    return out


@given(ops)
@example([("bracket", 0, 8, 1), ("price", 14, 1, 0)])  # take-profit fills on placement
def test_random_scenarios_keep_the_book_consistent(script: list[Op]) -> None:
    x = exchange()
    reports = run_ops(x, script)
    cumulative: dict[int, Decimal] = {}
    finished: set[int] = set()
    last_status: dict[int, str] = {}
    filled_oca_groups: set[str] = set()
    for r in reports:
        if isinstance(r, BrokerOrderStatus):
            assert r.status in ("PreSubmitted", "Submitted", "Filled", "Cancelled")
            assert r.broker_order_id not in finished, f"report after the end: {r}"
            assert r.filled == cumulative.get(r.broker_order_id, D(0))
            if r.status in ("Filled", "Cancelled"):
                finished.add(r.broker_order_id)
                assert r.remaining == 0
            else:
                assert r.remaining > 0
            if r.status == "Filled" and x.orders[r.broker_order_id].oca_group:
                filled_oca_groups.add(x.orders[r.broker_order_id].oca_group)
            last_status[r.broker_order_id] = r.status
        elif isinstance(r, BrokerExecution):
            assert r.broker_order_id not in finished
            assert r.quantity > 0
            cumulative[r.broker_order_id] = cumulative.get(r.broker_order_id, D(0)) + r.quantity
            assert r.cumulative_quantity == cumulative[r.broker_order_id]
            o = x.orders[r.broker_order_id]
            if o.parent_id:
                assert x.orders[o.parent_id].status == "Filled"
            # One filled member of an OCA group ends the others.
            assert o.oca_group not in filled_oca_groups, f"OCA sibling traded: {r}"
    for oid, o in x.orders.items():
        assert 0 <= o.filled <= o.quantity
        assert o.filled == cumulative.get(oid, D(0))
        assert last_status.get(oid, o.status) == o.status
        if o.status == "Filled":
            assert o.filled == o.quantity
        elif o.filled == o.quantity:
            # Only OCA reduction shrinks an order down to what it has filled.
            assert o.status == "Cancelled"
            assert o.oca_group
    ids = [e.execution_id for e in executions(reports)]
    assert len(set(ids)) == len(ids)
    # Determinism: the same script on a fresh exchange gives the same reports.
    assert run_ops(exchange(), script) == reports
