"""Order ids are random: one id tells nothing about the next, so ids cannot be enumerated."""

from __future__ import annotations

from tests.service.conftest import Gateway, limit_spec, submit


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


async def test_order_ids_are_random_and_unique(gw: Gateway) -> None:
    ids = [(await submit(gw, limit_spec(f"id-{i}"))).order_id for i in range(20)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    # Two random 128-bit ids share an 8-hex-digit prefix once in 4 billion pairs; ids
    # made of a process prefix and a counter share nearly all of their digits.
    assert max(_common_prefix(a, b) for a in ids for b in ids if a != b) < 8
