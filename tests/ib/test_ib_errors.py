"""Routing of IB error codes."""

from __future__ import annotations

from ibkr_gateway.ib_errors import ErrorClass, classify_error


def test_2110_is_connectivity_lost_not_a_warning() -> None:
    assert classify_error(2110) is ErrorClass.CONNECTIVITY_LOST
    assert classify_error(2104) is ErrorClass.WARNING
