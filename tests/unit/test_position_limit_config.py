"""The position limits in the risk file: parsed, inherited from [defaults], refused when
malformed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ibkr_gateway.risk.limits import RiskConfig, RiskFileError


def test_position_limits_are_read_and_inherited() -> None:
    config = RiskConfig.parse(
        {
            "defaults": {"max_position": "500", "no_short_sales": True},
            "accounts": {"DU2": {"max_gross_exposure": 250000, "no_short_sales": False}},
        }
    )
    du2 = config.for_account("DU2")
    assert (du2.max_position, du2.max_gross_exposure, du2.no_short_sales) == (
        Decimal(500),
        Decimal(250000),
        False,
    )
    assert du2.limits_positions
    other = config.for_account("DU9")
    assert (other.max_gross_exposure, other.no_short_sales) == (None, True)
    assert not RiskConfig.parse({}).for_account("DU1").limits_positions


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"no_short_sales": "yes"}, "no_short_sales must be true or false"),
        ({"max_position": "-1"}, "max_position must be a positive number"),
        ({"max_gross_exposure": "x"}, "max_gross_exposure must be a positive number"),
    ],
)
def test_malformed_position_limits_are_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(RiskFileError, match=message):
        RiskConfig.parse({"defaults": table})
