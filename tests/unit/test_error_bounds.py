"""Every error is bounded where it is made, whatever it was given to quote."""

from __future__ import annotations

from ibkr_gateway.errors import (
    DESCRIPTION_MAX,
    FIELD_MAX,
    MESSAGE_MAX,
    METADATA_VALUE_MAX,
    QUOTED_MAX,
    VIOLATIONS_MAX,
    FieldViolation,
    InvalidArgument,
    NotFound,
    clip,
)
from ibkr_gateway.rpc.errors import to_status

HUGE = 1_000_000
NOTE = len(f"...({HUGE} characters)")


def test_clip_keeps_short_text_and_the_beginning_and_length_of_long_text() -> None:
    assert clip("x" * QUOTED_MAX) == "x" * QUOTED_MAX
    assert clip("y" * HUGE) == "y" * QUOTED_MAX + f"...({HUGE} characters)"
    assert clip("z" * 10, 4) == "zzzz...(10 characters)"


def test_a_huge_message_and_metadata_are_clipped() -> None:
    error = NotFound("m" * HUGE, metadata={"order_id": "o" * HUGE})
    assert error.message == clip("m" * HUGE, MESSAGE_MAX)
    assert str(error) == error.message
    assert error.metadata == {"order_id": clip("o" * HUGE, METADATA_VALUE_MAX)}
    status = to_status(error)
    assert len(status.details) <= MESSAGE_MAX + NOTE


def test_violations_are_clipped_and_the_first_ones_kept() -> None:
    many = [FieldViolation(f"statuses[{i}]", "unknown value 999") for i in range(100_000)]
    error = InvalidArgument([FieldViolation("f" * HUGE, "d" * HUGE), *many])
    assert len(error.violations) == VIOLATIONS_MAX
    first = error.violations[0]
    assert (first.field, first.description) == (
        clip("f" * HUGE, FIELD_MAX),
        clip("d" * HUGE, DESCRIPTION_MAX),
    )
    assert error.message.startswith(
        f"invalid request: 100001 violations, the first {VIOLATIONS_MAX}: "
    )
    assert len(error.message) <= MESSAGE_MAX + NOTE
