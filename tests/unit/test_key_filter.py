"""KeyFilter: never a "no" for a key it was given, rarely a "maybe" for one it was not,
about a byte and a quarter a key however many layers it grows."""

from __future__ import annotations

from ibkr_gateway.order.key_filter import FIRST_CAPACITY, KeyFilter

# Enough for three layers: 64k, 128k and 256k keys.
KEYS = 4 * FIRST_CAPACITY


def test_every_key_added_is_found_across_its_growth() -> None:
    keys = KeyFilter()
    for n in range(KEYS):
        keys.add(("DU1", f"order-{n}"))
    assert all(("DU1", f"order-{n}") in keys for n in range(KEYS))
    # Two layers were not enough: the third holds the last keys.
    assert len(keys._layers) == 3


def test_keys_never_added_are_rarely_taken_for_added_ones() -> None:
    keys = KeyFilter()
    for n in range(KEYS):
        keys.add(("DU1", f"order-{n}"))
    unseen = 20_000
    mistaken = sum(("DU1", f"other-{n}") in keys for n in range(unseen))
    # About 1% a layer: three layers, at most 3%.
    assert mistaken < 0.03 * unseen
    assert ("DU2", "order-1") not in keys or ("DU2", "order-2") not in keys


def test_memory_is_about_a_byte_and_a_quarter_a_key() -> None:
    keys = KeyFilter()
    for n in range(KEYS):
        keys.add(("DU1", f"order-{n}"))
    # Three layers at 10 bits a key.
    assert keys.nbytes == (FIRST_CAPACITY * 7) * 10 // 8
    assert keys.nbytes < 3 * KEYS
