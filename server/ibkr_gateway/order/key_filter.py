"""Which keys were ever added, told without a lookup for most keys never added.

A Bloom filter: "no" is certain, "maybe" is wrong about once in a hundred. A submit asks
whether its client_order_id was ever used; the answer is almost always no, and the
filter gives it in a few microseconds where the store's index costs a query on the event
loop. It grows by layers, each twice the size of the last, at about 1.2 bytes a key, so
its memory stays small next to the journal's.
"""

from __future__ import annotations

from collections.abc import Hashable

HASHES = 7
BITS_PER_KEY = 10
FIRST_CAPACITY = 1 << 16
_LOW = (1 << 32) - 1


class _Layer:
    __slots__ = ("bits", "capacity", "count", "size")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.size = capacity * BITS_PER_KEY
        self.bits = bytearray((self.size + 7) // 8)
        self.count = 0

    def add(self, h: int) -> None:
        bits, size = self.bits, self.size
        # Double hashing: the key's one hash gives all the positions.
        first, step = h & _LOW, (h >> 32) | 1
        for i in range(HASHES):
            position = (first + i * step) % size
            bits[position >> 3] |= 1 << (position & 7)
        self.count += 1

    def __contains__(self, h: int) -> bool:
        bits, size = self.bits, self.size
        first, step = h & _LOW, (h >> 32) | 1
        for i in range(HASHES):
            position = (first + i * step) % size
            if not bits[position >> 3] & (1 << (position & 7)):
                return False
        return True


class KeyFilter:
    """Keys hash with Python's hash(), which differs between processes: the filter
    lives in memory only and is built afresh at each start."""

    def __init__(self, capacity: int = FIRST_CAPACITY) -> None:
        self._layers = [_Layer(max(capacity, FIRST_CAPACITY))]

    def add(self, key: Hashable) -> None:
        layer = self._layers[-1]
        if layer.count >= layer.capacity:
            layer = _Layer(layer.capacity * 2)
            self._layers.append(layer)
        layer.add(hash(key))

    def __contains__(self, key: Hashable) -> bool:
        h = hash(key)
        for layer in self._layers:
            if h in layer:
                return True
        return False

    @property
    def nbytes(self) -> int:
        return sum(len(layer.bits) for layer in self._layers)
