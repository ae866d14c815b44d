"""Routing of IB error codes."""

from __future__ import annotations

from ibkr_gateway.ib.errors import ErrorClass, classify_error


def test_2110_is_connectivity_lost_not_a_warning() -> None:
    assert classify_error(2110) is ErrorClass.CONNECTIVITY_LOST
    assert classify_error(2104) is ErrorClass.WARNING


def test_codes_answering_new_orders_and_modifications_are_tabled() -> None:
    for code in (321, 463, 504, 10006, 10268, 10311):
        assert classify_error(code) is ErrorClass.ORDER_REJECTED, code
    for code in (329, 462):
        assert classify_error(code) is ErrorClass.MODIFY_REFUSED, code
    # Warnings about a live order stay warnings.
    for code in (399, 404, 10349):
        assert classify_error(code) is ErrorClass.WARNING, code


def test_1101_lost_data_and_1102_kept_it() -> None:
    assert classify_error(1101) is ErrorClass.CONNECTIVITY_RESTORED_DATA_LOST
    assert classify_error(1102) is ErrorClass.CONNECTIVITY_RESTORED


def test_10147_means_ib_does_not_know_the_order() -> None:
    assert classify_error(10147) is ErrorClass.ORDER_UNKNOWN
    assert classify_error(10148) is ErrorClass.CANCEL_REFUSED
