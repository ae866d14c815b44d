"""Business rules of order specs and brackets (validate_spec, validate_bracket)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ibkr_gateway.errors import FieldViolation
from ibkr_gateway.order.models import (
    Contract,
    OrderSpec,
    OrderType,
    SecurityType,
    Side,
    TimeInForce,
)
from ibkr_gateway.order.validation import (
    MAX_PRICE,
    MAX_QUANTITY,
    MULTIPLIED_TYPES,
    check_amount,
    decimal_places,
    validate_bracket,
    validate_spec,
)

D = Decimal
HUNDRED = D(100)


def make_spec(
    order_type: OrderType = OrderType.MARKET,
    *,
    limit_price: Decimal | None = None,
    stop_price: Decimal | None = None,
    side: Side = Side.BUY,
    quantity: Decimal = HUNDRED,
    client_order_id: str = "strat-1.order:42",
    account: str = "DU123456",
    contract: Contract | None = None,
) -> OrderSpec:
    return OrderSpec(
        client_order_id=client_order_id,
        account=account,
        contract=contract or Contract(symbol="AAPL"),
        side=side,
        quantity=quantity,
        order_type=order_type,
        limit_price=limit_price,
        stop_price=stop_price,
        time_in_force=TimeInForce.DAY,
    )


def limit(price: str, side: Side = Side.BUY) -> OrderSpec:
    return make_spec(OrderType.LIMIT, limit_price=D(price), side=side)


def fields(violations: list[FieldViolation]) -> set[str]:
    return {v.field for v in violations}


# -- valid specs -----------------------------------------------------------------------

VALID_SPECS = [
    make_spec(),
    make_spec(OrderType.LIMIT, limit_price=D("187.25")),
    make_spec(OrderType.STOP, stop_price=D("95"), side=Side.SELL),
    make_spec(OrderType.STOP_LIMIT, limit_price=D("101.5"), stop_price=D("101")),
    make_spec(quantity=D("0.00000001")),
    make_spec(quantity=MAX_QUANTITY),
    make_spec(quantity=D("1.000000000000")),  # trailing zeros are not precision
    make_spec(OrderType.LIMIT, limit_price=MAX_PRICE),
    make_spec(client_order_id="a" * 64, account="A" * 32),
    make_spec(client_order_id="x"),
    make_spec(
        contract=Contract(
            symbol="SPY",
            sec_type=SecurityType.OPTION,
            exchange="CBOE",
            currency="USD",
            con_id=12345,
            last_trade_date_or_contract_month="20261218",
            strike=D("450.5"),
            right="C",
            multiplier=D(100),
            local_symbol="SPY   261218C00450500",
            trading_class="SPY",
        )
    ),
    make_spec(contract=Contract(symbol="BRK B", primary_exchange="NYSE")),
    make_spec(contract=Contract(symbol="EUR", sec_type=SecurityType.FOREX, exchange="IDEALPRO")),
]


@pytest.mark.parametrize("spec", VALID_SPECS)
def test_valid_specs_have_no_violations(spec: OrderSpec) -> None:
    assert validate_spec(spec) == []


# -- quantity --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity",
    [
        D(0),
        D("-0"),
        D(-1),
        D("-0.5"),
        MAX_QUANTITY + D("0.00000001"),
        D("1e9"),
        D("1e20"),
        D("Infinity"),
        D("0.000000001"),
        D("1.123456789"),
    ],
)
def test_bad_quantity_is_a_quantity_violation(quantity: Decimal) -> None:
    violations = validate_spec(make_spec(quantity=quantity))
    assert fields(violations) == {"quantity"}
    assert len(violations) == 1


def test_quantity_messages_say_what_is_wrong() -> None:
    (neg,) = validate_spec(make_spec(quantity=D(0)))
    assert "greater than 0" in neg.description
    (big,) = validate_spec(make_spec(quantity=D("1e9")))
    assert "must not exceed" in big.description
    (fine,) = validate_spec(make_spec(quantity=D("0.123456789")))
    assert "8 decimal places" in fine.description


@given(
    st.decimals(
        min_value=D("0.00000001"),
        max_value=MAX_QUANTITY,
        places=8,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_any_positive_quantity_within_bounds_is_accepted(quantity: Decimal) -> None:
    assert validate_spec(make_spec(quantity=quantity)) == []


@given(st.decimals(max_value=D(0), allow_nan=False, allow_infinity=False))
def test_any_non_positive_quantity_is_rejected(quantity: Decimal) -> None:
    assert fields(validate_spec(make_spec(quantity=quantity))) == {"quantity"}


@given(
    st.decimals(
        min_value=MAX_QUANTITY + D("0.00000001"), allow_nan=False, allow_infinity=False, places=8
    )
)
def test_any_quantity_above_the_maximum_is_rejected(quantity: Decimal) -> None:
    assert fields(validate_spec(make_spec(quantity=quantity))) == {"quantity"}


@given(
    st.integers(min_value=1, max_value=10**12).filter(lambda n: n % 10 != 0),
    st.integers(min_value=9, max_value=15),
)
def test_any_quantity_with_more_than_8_places_is_rejected(digits: int, places: int) -> None:
    quantity = D(digits).scaleb(-places)
    assert decimal_places(quantity) == places
    assert fields(validate_spec(make_spec(quantity=quantity))) == {"quantity"}


@pytest.mark.parametrize(
    ("value", "places"),
    [(D("1"), 0), (D("1.5"), 1), (D("1E+3"), 0), (D("0.00000001"), 8), (D("2.50"), 2)],
)
def test_decimal_places(value: Decimal, places: int) -> None:
    assert decimal_places(value) == places


def test_check_amount_names_the_given_field() -> None:
    assert fields(check_amount("some.field", D(-1), D(10))) == {"some.field"}
    assert check_amount("some.field", D(10), D(10)) == []


# -- prices ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (make_spec(OrderType.LIMIT), {"limit_price"}),
        (make_spec(OrderType.STOP), {"stop_price"}),
        (make_spec(OrderType.STOP_LIMIT), {"limit_price", "stop_price"}),
        (make_spec(OrderType.STOP_LIMIT, limit_price=D(100)), {"stop_price"}),
        (make_spec(OrderType.STOP_LIMIT, stop_price=D(100)), {"limit_price"}),
    ],
)
def test_missing_prices_are_required(spec: OrderSpec, expected: set[str]) -> None:
    violations = validate_spec(spec)
    assert fields(violations) == expected
    assert all("is required" in v.description for v in violations)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (make_spec(OrderType.MARKET, limit_price=D(100)), {"limit_price"}),
        (make_spec(OrderType.MARKET, stop_price=D(100)), {"stop_price"}),
        (
            make_spec(OrderType.MARKET, limit_price=D(1), stop_price=D(1)),
            {"limit_price", "stop_price"},
        ),
        (make_spec(OrderType.LIMIT, limit_price=D(100), stop_price=D(99)), {"stop_price"}),
        (make_spec(OrderType.STOP, stop_price=D(100), limit_price=D(99)), {"limit_price"}),
    ],
)
def test_prices_where_forbidden(spec: OrderSpec, expected: set[str]) -> None:
    violations = validate_spec(spec)
    assert fields(violations) == expected
    assert all("must be empty" in v.description for v in violations)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (make_spec(OrderType.LIMIT, limit_price=D(-1)), {"limit_price"}),
        (make_spec(OrderType.LIMIT, limit_price=D(0)), {"limit_price"}),
        (make_spec(OrderType.STOP, stop_price=D("-0.01")), {"stop_price"}),
        (
            make_spec(OrderType.STOP_LIMIT, limit_price=D(-5), stop_price=D(-6)),
            {"limit_price", "stop_price"},
        ),
        (make_spec(OrderType.LIMIT, limit_price=MAX_PRICE + 1), {"limit_price"}),
        (make_spec(OrderType.LIMIT, limit_price=D("1.000000001")), {"limit_price"}),
    ],
)
def test_bad_prices(spec: OrderSpec, expected: set[str]) -> None:
    assert fields(validate_spec(spec)) == expected


# -- identity and contract -------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (make_spec(client_order_id="a" * 65), "client_order_id"),
        (make_spec(client_order_id=""), "client_order_id"),
        (make_spec(client_order_id="has space"), "client_order_id"),
        (make_spec(client_order_id="slash/no"), "client_order_id"),
        (make_spec(account="A" * 33), "account"),
        (make_spec(account=""), "account"),
        (make_spec(account="DU:1"), "account"),
        (make_spec(contract=Contract(symbol="")), "contract.symbol"),
        (make_spec(contract=Contract(symbol="A" * 33)), "contract.symbol"),
        (make_spec(contract=Contract(symbol="AAPL\n")), "contract.symbol"),
        (make_spec(contract=Contract(symbol="AAPL", currency="usd")), "contract.currency"),
        (make_spec(contract=Contract(symbol="AAPL", currency="US")), "contract.currency"),
        (make_spec(contract=Contract(symbol="AAPL", currency="USDX")), "contract.currency"),
        (make_spec(contract=Contract(symbol="AAPL", currency="")), "contract.currency"),
        (make_spec(contract=Contract(symbol="AAPL", currency="U$D")), "contract.currency"),
        (make_spec(contract=Contract(symbol="AAPL", exchange="")), "contract.exchange"),
        (make_spec(contract=Contract(symbol="AAPL", con_id=-1)), "contract.con_id"),
        (make_spec(contract=Contract(symbol="AAPL", right="X")), "contract.right"),
        (make_spec(contract=Contract(symbol="AAPL", strike=D(0))), "contract.strike"),
        (make_spec(contract=Contract(symbol="AAPL", multiplier=D(-1))), "contract.multiplier"),
        (
            make_spec(contract=Contract(symbol="AAPL", local_symbol="x" * 65)),
            "contract.local_symbol",
        ),
        (
            make_spec(contract=Contract(symbol="AAPL", trading_class="a\tb")),
            "contract.trading_class",
        ),
        (
            make_spec(contract=Contract(symbol="AAPL", primary_exchange="\x00")),
            "contract.primary_exchange",
        ),
        (
            make_spec(contract=Contract(symbol="ES", last_trade_date_or_contract_month="2" * 65)),
            "contract.last_trade_date_or_contract_month",
        ),
    ],
)
def test_bad_field_is_named(spec: OrderSpec, field: str) -> None:
    assert fields(validate_spec(spec)) == {field}


# -- multipliers -----------------------------------------------------------------------


def _with_multiplier(sec_type: SecurityType, multiplier: str | None) -> OrderSpec:
    value = None if multiplier is None else D(multiplier)
    return make_spec(contract=Contract(symbol="X", sec_type=sec_type, multiplier=value))


UNIT_TYPES = [t for t in SecurityType if t not in MULTIPLIED_TYPES]


@pytest.mark.parametrize("sec_type", UNIT_TYPES)
@pytest.mark.parametrize("multiplier", [None, "1", "1.00"])
def test_one_unit_types_take_an_empty_or_unit_multiplier(
    sec_type: SecurityType, multiplier: str | None
) -> None:
    assert validate_spec(_with_multiplier(sec_type, multiplier)) == []


@pytest.mark.parametrize("sec_type", UNIT_TYPES)
@pytest.mark.parametrize("multiplier", ["0.01", "0.99999999", "2", "100"])
def test_one_unit_types_refuse_any_other_multiplier(
    sec_type: SecurityType, multiplier: str
) -> None:
    # A stock with multiplier 0.01 would count a hundredth of its notional.
    assert validate_spec(_with_multiplier(sec_type, multiplier)) == [
        FieldViolation("contract.multiplier", f"must be empty or 1 for {sec_type.value}")
    ]


@pytest.mark.parametrize("sec_type", [t for t in SecurityType if t in MULTIPLIED_TYPES])
def test_derivatives_take_a_multiplier_of_at_least_one(sec_type: SecurityType) -> None:
    for fine in (None, "1", "50", "100", "1000.5"):
        assert validate_spec(_with_multiplier(sec_type, fine)) == []
    for shrinking in ("0.5", "0.00000001"):
        assert validate_spec(_with_multiplier(sec_type, shrinking)) == [
            FieldViolation("contract.multiplier", f"must be at least 1 for {sec_type.value}")
        ]
    assert fields(validate_spec(_with_multiplier(sec_type, "0"))) == {"contract.multiplier"}


def test_empty_symbol_says_required() -> None:
    (violation,) = validate_spec(make_spec(contract=Contract(symbol="")))
    assert violation == FieldViolation("contract.symbol", "is required")


def test_all_violations_are_reported_together() -> None:
    spec = OrderSpec(
        client_order_id="",
        account="A" * 33,
        contract=Contract(symbol="", currency="eur"),
        side=Side.SELL,
        quantity=D(0),
        order_type=OrderType.LIMIT,
        stop_price=D(-1),
    )
    assert fields(validate_spec(spec)) == {
        "client_order_id",
        "account",
        "contract.symbol",
        "contract.currency",
        "quantity",
        "limit_price",
        "stop_price",
    }


# -- brackets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent", "take_profit", "stop_loss", "stop_loss_limit"),
    [
        (limit("100"), "110", "90", None),
        (limit("100"), "100.01", "99.99", "99.5"),
        (limit("100", Side.SELL), "90", "110", None),
        (limit("100", Side.SELL), "99.99", "100.01", "101"),
        (make_spec(), "110", "90", None),
        (make_spec(side=Side.SELL), "90", "110", None),
    ],
)
def test_valid_brackets(
    parent: OrderSpec, take_profit: str, stop_loss: str, stop_loss_limit: str | None
) -> None:
    sl_limit = None if stop_loss_limit is None else D(stop_loss_limit)
    assert validate_bracket(parent, D(take_profit), D(stop_loss), sl_limit) == []


@pytest.mark.parametrize(
    ("parent", "take_profit", "stop_loss", "expected"),
    [
        # buy: take-profit above the entry, stop-loss below it
        (limit("100"), "95", "90", {"take_profit_limit_price"}),
        (limit("100"), "100", "90", {"take_profit_limit_price"}),
        (limit("100"), "110", "105", {"stop_loss_stop_price"}),
        (limit("100"), "110", "100", {"stop_loss_stop_price"}),
        (limit("100"), "90", "110", {"take_profit_limit_price", "stop_loss_stop_price"}),
        # sell: take-profit below the entry, stop-loss above it
        (limit("100", Side.SELL), "105", "110", {"take_profit_limit_price"}),
        (limit("100", Side.SELL), "100", "110", {"take_profit_limit_price"}),
        (limit("100", Side.SELL), "90", "95", {"stop_loss_stop_price"}),
        (limit("100", Side.SELL), "110", "90", {"take_profit_limit_price", "stop_loss_stop_price"}),
        # market parent: no entry price, but the children must not cross
        (make_spec(), "90", "110", {"stop_loss_stop_price"}),
        (make_spec(), "100", "100", {"stop_loss_stop_price"}),
        (make_spec(side=Side.SELL), "110", "90", {"stop_loss_stop_price"}),
    ],
)
def test_bracket_prices_on_the_wrong_side(
    parent: OrderSpec, take_profit: str, stop_loss: str, expected: set[str]
) -> None:
    assert fields(validate_bracket(parent, D(take_profit), D(stop_loss), None)) == expected


@pytest.mark.parametrize(
    "parent",
    [
        make_spec(OrderType.STOP, stop_price=D(100)),
        make_spec(OrderType.STOP_LIMIT, stop_price=D(100), limit_price=D(100)),
    ],
)
def test_bracket_parent_must_be_market_or_limit(parent: OrderSpec) -> None:
    violations = validate_bracket(parent, D(110), D(90), None)
    assert fields(violations) == {"parent.order_type"}


@pytest.mark.parametrize(
    ("take_profit", "stop_loss", "stop_loss_limit", "expected"),
    [
        ("0", "90", None, {"take_profit_limit_price"}),
        ("110", "-1", None, {"stop_loss_stop_price"}),
        ("110", "90", "0", {"stop_loss_limit_price"}),
        ("110", "90", "1.000000001", {"stop_loss_limit_price"}),
        ("1e9", "90", None, {"take_profit_limit_price"}),
    ],
)
def test_bracket_child_prices_must_be_valid_amounts(
    take_profit: str, stop_loss: str, stop_loss_limit: str | None, expected: set[str]
) -> None:
    sl_limit = None if stop_loss_limit is None else D(stop_loss_limit)
    assert (
        fields(validate_bracket(limit("100"), D(take_profit), D(stop_loss), sl_limit)) == expected
    )


prices = st.decimals(min_value=D("0.01"), max_value=D(10_000), places=2)


@given(prices, prices, prices)
def test_buy_bracket_is_valid_exactly_when_ordered(
    entry: Decimal, tp: Decimal, sl: Decimal
) -> None:
    violations = validate_bracket(limit(str(entry)), tp, sl, None)
    assert (violations == []) is (sl < entry < tp)


@given(prices, prices, prices)
def test_sell_bracket_is_valid_exactly_when_ordered(
    entry: Decimal, tp: Decimal, sl: Decimal
) -> None:
    violations = validate_bracket(limit(str(entry), Side.SELL), tp, sl, None)
    assert (violations == []) is (tp < entry < sl)
