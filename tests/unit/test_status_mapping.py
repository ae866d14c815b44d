"""IB order status → gateway status, and the transitions an update may make."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from ibkr_gateway.ib.status import IB_STATUS_MAP, UnknownIBStatus, map_ib_status
from ibkr_gateway.order.models import FINAL_STATUSES, OrderStatus
from ibkr_gateway.order.status import (
    ALLOWED_TRANSITIONS,
    CANCELLABLE,
    MODIFIABLE,
    can_transition,
)

S = OrderStatus

# The table of DESIGN.md, written out independently of the implementation.
DESIGN_TABLE: list[tuple[str, OrderStatus]] = [
    ("PendingSubmit", S.PENDING_SUBMIT),
    ("PreSubmitted", S.ACCEPTED),
    ("ApiPending", S.ACCEPTED),
    ("Submitted", S.SUBMITTED),
    ("ApiCancelled", S.CANCELLED),
    ("Cancelled", S.CANCELLED),
    ("Filled", S.FILLED),
    ("PendingCancel", S.PENDING_CANCEL),
    ("Inactive", S.INACTIVE),
]

QTY = Decimal(100)


def apply_updates(start: OrderStatus, updates: list[tuple[str, Decimal]]) -> OrderStatus:
    """Folds IB updates into a status the way the OrderManager does: an update that
    is not an allowed transition is ignored."""
    status = start
    for ib_status, filled in updates:
        new = map_ib_status(ib_status, filled, QTY)
        if new is not status and can_transition(status, new):
            status = new
    return status


# -- mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize(("ib_status", "expected"), DESIGN_TABLE)
def test_each_row_of_the_design_table(ib_status: str, expected: OrderStatus) -> None:
    assert IB_STATUS_MAP[ib_status] is expected
    assert map_ib_status(ib_status, Decimal(0), QTY) is expected


def test_map_has_exactly_the_design_rows() -> None:
    assert IB_STATUS_MAP == dict(DESIGN_TABLE)


@pytest.mark.parametrize("filled", [Decimal("0.5"), Decimal(1), Decimal(50), Decimal("99.99")])
def test_submitted_with_a_partial_fill_is_partially_filled(filled: Decimal) -> None:
    assert map_ib_status("Submitted", filled, QTY) is S.PARTIALLY_FILLED


@pytest.mark.parametrize("filled", [Decimal(0), QTY, Decimal("100.00")])
def test_submitted_without_a_partial_fill_stays_submitted(filled: Decimal) -> None:
    assert map_ib_status("Submitted", filled, QTY) is S.SUBMITTED


@pytest.mark.parametrize(
    ("ib_status", "expected"),
    [row for row in DESIGN_TABLE if row[0] != "Submitted"],
)
def test_partial_fill_only_changes_submitted(ib_status: str, expected: OrderStatus) -> None:
    assert map_ib_status(ib_status, Decimal(40), QTY) is expected


@pytest.mark.parametrize(
    "ib_status", ["", "Bogus", "submitted", "FILLED", " Filled", "Filled ", "PartiallyFilled"]
)
def test_unknown_status_raises(ib_status: str) -> None:
    with pytest.raises(UnknownIBStatus, match="unknown IB order status"):
        map_ib_status(ib_status, Decimal(0), QTY)


def test_unknown_status_is_a_value_error() -> None:
    assert issubclass(UnknownIBStatus, ValueError)


# -- transitions -----------------------------------------------------------------------


def test_every_status_has_a_transition_row() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(OrderStatus)


@pytest.mark.parametrize("final", [S.FILLED, S.CANCELLED, S.REJECTED])
@pytest.mark.parametrize("new", list(OrderStatus))
def test_no_transition_out_of_a_final_status(final: OrderStatus, new: OrderStatus) -> None:
    assert not can_transition(final, new)


def test_final_statuses_are_filled_cancelled_rejected() -> None:
    assert {s for s in OrderStatus if s.is_final} == {S.FILLED, S.CANCELLED, S.REJECTED}


def test_late_submitted_after_filled_does_not_resurrect() -> None:
    updates = [
        ("PendingSubmit", Decimal(0)),
        ("Submitted", Decimal(0)),
        ("Filled", QTY),
        ("Submitted", Decimal(0)),
        ("Submitted", Decimal(50)),
        ("PreSubmitted", Decimal(0)),
        ("Cancelled", QTY),
    ]
    assert apply_updates(S.CREATED, updates) is S.FILLED


def test_late_reports_after_cancelled_are_ignored() -> None:
    updates = [("Submitted", Decimal(0)), ("Cancelled", Decimal(0)), ("Filled", QTY)]
    assert apply_updates(S.PENDING_SUBMIT, updates) is S.CANCELLED


@pytest.mark.parametrize("back", [S.SUBMITTED, S.ACCEPTED, S.PENDING_SUBMIT, S.CREATED])
def test_partially_filled_never_goes_back(back: OrderStatus) -> None:
    assert not can_transition(S.PARTIALLY_FILLED, back)


@pytest.mark.parametrize(
    "forward", [S.FILLED, S.CANCELLED, S.REJECTED, S.PENDING_CANCEL, S.INACTIVE]
)
def test_partially_filled_moves_forward(forward: OrderStatus) -> None:
    assert can_transition(S.PARTIALLY_FILLED, forward)


def test_stale_submitted_after_a_partial_fill_keeps_partially_filled() -> None:
    updates = [
        ("Submitted", Decimal(0)),
        ("Submitted", Decimal(30)),
        ("Submitted", Decimal(0)),
        ("PreSubmitted", Decimal(0)),
    ]
    assert apply_updates(S.PENDING_SUBMIT, updates) is S.PARTIALLY_FILLED


@pytest.mark.parametrize("new", list(OrderStatus))
def test_pending_cancel_only_to_final_statuses(new: OrderStatus) -> None:
    assert can_transition(S.PENDING_CANCEL, new) is (new in FINAL_STATUSES)


def test_stale_working_report_does_not_hide_a_requested_cancel() -> None:
    updates = [("Submitted", Decimal(0)), ("Submitted", Decimal(20)), ("Cancelled", Decimal(20))]
    assert apply_updates(S.PENDING_CANCEL, updates) is S.CANCELLED
    assert apply_updates(S.PENDING_CANCEL, updates[:2]) is S.PENDING_CANCEL


@pytest.mark.parametrize("status", [s for s in OrderStatus if s not in FINAL_STATUSES])
def test_every_live_status_can_end(status: OrderStatus) -> None:
    assert {S.CANCELLED, S.FILLED, S.REJECTED} <= ALLOWED_TRANSITIONS[status]


def test_nothing_returns_to_created() -> None:
    assert all(not can_transition(s, S.CREATED) for s in OrderStatus)


def test_created_goes_to_pending_submit_or_an_ending() -> None:
    assert ALLOWED_TRANSITIONS[S.CREATED] == {S.PENDING_SUBMIT, *FINAL_STATUSES}


def test_normal_lifecycle_is_allowed() -> None:
    path = [S.CREATED, S.PENDING_SUBMIT, S.ACCEPTED, S.SUBMITTED, S.PARTIALLY_FILLED, S.FILLED]
    assert all(can_transition(a, b) for a, b in itertools.pairwise(path))
    cancel = [S.CREATED, S.PENDING_SUBMIT, S.SUBMITTED, S.PENDING_CANCEL, S.CANCELLED]
    assert all(can_transition(a, b) for a, b in itertools.pairwise(cancel))


def test_cancellable_and_modifiable_exclude_final_and_pending_cancel() -> None:
    for allowed in (CANCELLABLE, MODIFIABLE):
        assert not allowed & FINAL_STATUSES
        assert S.PENDING_CANCEL not in allowed
        assert S.CREATED not in allowed
        assert {S.PENDING_SUBMIT, S.ACCEPTED, S.SUBMITTED, S.PARTIALLY_FILLED} <= allowed
