"""Rich tables of orders, fills, the kill switch and audit records."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table

from ibkr_gateway.console.output import amount, clock, short_clock
from ibkr_gateway_client import AuditRecord, Fill, KillSwitch, Order


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _table(title: str | None = None) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)


def _price(order: Order) -> str:
    prices = [amount(order.limit_price), amount(order.stop_price)]
    if order.limit_price is not None and order.stop_price is not None:
        return f"{prices[0]} stop {prices[1]}"
    return prices[0] or (f"stop {prices[1]}" if prices[1] else "")


def describe(order: Order) -> str:
    """BUY 10 AAPL LIMIT 50 DAY"""
    words = [order.side, amount(order.quantity), order.symbol, order.order_type, _price(order)]
    return " ".join(w for w in [*words, order.time_in_force] if w)


def _filled(order: Order) -> str:
    if not order.filled_quantity:
        return ""
    return f"{amount(order.filled_quantity)} @ {amount(order.average_fill_price)}"


def orders_table(orders: Iterable[Order], title: str | None = None) -> Table:
    table = _table(title)
    # The order id is what the next command needs: kept whole on one line when it can be.
    table.add_column("order id", no_wrap=True, overflow="fold")
    table.add_column("client order id", overflow="fold")
    table.add_column("account")
    table.add_column("order")
    table.add_column("status")
    table.add_column("filled", justify="right")
    table.add_column("updated (UTC)")
    for o in orders:
        table.add_row(
            o.order_id,
            o.client_order_id,
            o.account,
            describe(o),
            o.status + (f" ({o.status_reason})" if o.status_reason else ""),
            _filled(o),
            short_clock(o.update_time),
        )
    return table


def order_details(order: Order) -> Table:
    """One order, a field a line."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rows = {
        "order id": order.order_id,
        "client order id": order.client_order_id,
        "account": order.account,
        "symbol": order.symbol,
        "side": order.side,
        "quantity": amount(order.quantity),
        "type": order.order_type,
        "IB type": order.broker_order_type,
        "limit price": amount(order.limit_price),
        "stop price": amount(order.stop_price),
        "time in force": order.time_in_force,
        "status": order.status,
        "status reason": order.status_reason,
        "filled": amount(order.filled_quantity),
        "remaining": amount(order.remaining_quantity),
        "avg fill price": amount(order.average_fill_price),
        "parent order id": order.parent_order_id,
        "broker order id": str(order.broker_order_id or ""),
        "perm id": str(order.perm_id or ""),
        "created (UTC)": clock(order.create_time),
        "updated (UTC)": clock(order.update_time),
        "last sequence": str(order.last_sequence),
    }
    for name, value in rows.items():
        if value:
            table.add_row(name, value)
    return table


def fills_table(fills: Iterable[Fill], title: str | None = None) -> Table:
    table = _table(title)
    table.add_column("time (UTC)")
    table.add_column("seq", justify="right")
    table.add_column("order id", no_wrap=True, overflow="fold")
    table.add_column("client order id", overflow="fold")
    table.add_column("account")
    table.add_column("fill")
    table.add_column("commission", justify="right")
    table.add_column("execution id", overflow="fold")
    for f in fills:
        commission = amount(f.commission)
        corrects = f" (corrects {f.corrects_execution_id})" if f.corrects_execution_id else ""
        table.add_row(
            short_clock(f.time),
            str(f.sequence),
            f.order_id,
            f.client_order_id,
            f.account,
            f"{f.side} {amount(f.quantity)} {f.symbol} @ {amount(f.price)}",
            f"{commission} {f.commission_currency}".strip(),
            f.execution_id + corrects,
        )
    return table


def kill_switch_view(switch: KillSwitch) -> RenderableType:
    summary = Table(box=None, show_header=False, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row("gateway-wide", "ENGAGED: new orders refused" if switch.engaged else "released")
    for name, value in (
        ("reason", switch.reason),
        ("set by", switch.set_by),
        ("set (UTC)", clock(switch.set_time)),
    ):
        if value:
            summary.add_row(name, value)
    if not switch.halted_accounts:
        summary.add_row("halted accounts", "none")
        return summary
    halts = _table("halted accounts")
    for name in ("account", "reason", "set by", "set (UTC)"):
        halts.add_column(name)
    for h in switch.halted_accounts:
        halts.add_row(h.account, h.reason, h.set_by, clock(h.set_time))
    return Group(summary, halts)


def audit_table(records: Iterable[AuditRecord]) -> Table:
    table = _table()
    table.add_column("id", justify="right")
    table.add_column("time (UTC)")
    table.add_column("who")
    table.add_column("call")
    table.add_column("status")
    table.add_column("accounts")
    table.add_column("detail", overflow="fold")
    for r in records:
        table.add_row(
            str(r.id),
            clock(r.time),
            r.principal,
            r.method.rsplit("/", 1)[-1],
            r.status,
            ", ".join(r.accounts),
            r.detail,
        )
    return table
