"""Tables keyed by 64-bit digests, in numpy arrays: a few bytes a digest, where a dict takes a hundred.

A Python ``dict`` of int keys costs about 100 bytes an entry (the key and
value objects, the entry, the index); ten million source segments would take
a gigabyte, and datasketch's in-memory LSH buckets (a set of keys a bucket)
about 7 KB a document. These tables keep digests and what goes with them in
numpy arrays with open addressing (linear probing, at most half full), and
hold nothing else.
"""

from __future__ import annotations

import numpy as np

Position = tuple[int, int, int]  # document ordinal, paragraph, sentence

_EMPTY = 0  # no digest is stored as 0: a digest of 0 is stored as 1 (one more collision in 2^64)
_FIRST_CAPACITY = 1 << 10


class _OpenTable:
    """Slots of uint64 keys with uint32 values beside them, doubled when half full."""

    _VALUE_SHAPE: tuple[int, ...] = ()

    def __init__(self) -> None:
        self._allocate(_FIRST_CAPACITY)

    def _allocate(self, capacity: int) -> None:
        self._keys = np.zeros(capacity, dtype=np.uint64)
        self._values = np.zeros((capacity, *self._VALUE_SHAPE), dtype=np.uint32)
        self._mask = capacity - 1
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return self._keys.nbytes + self._values.nbytes

    def _empty_slot(self, key: int) -> int:
        """The first empty slot of ``key``'s probe."""
        slot = key & self._mask
        while int(self._keys[slot]) != _EMPTY:
            slot = (slot + 1) & self._mask
        return slot

    def _store(self, slot: int, key: int, value: object) -> None:
        self._keys[slot] = key
        self._values[slot] = value
        self._count += 1
        if 2 * self._count > len(self._keys):
            keys, values = self._keys, self._values
            self._allocate(2 * len(keys))
            for index in np.flatnonzero(keys):
                key = int(keys[index])
                self._store(self._empty_slot(key), key, values[index])


class DigestTable(_OpenTable):
    """Digest → the position it was first seen at; insertion only. 20 bytes a slot."""

    _VALUE_SHAPE = (3,)

    def first(self, digest: int, position: Position) -> Position | None:
        """The position ``digest`` was first seen at, or None when this is the first time (and it is recorded)."""
        key = digest or 1
        slot = key & self._mask
        while (found := int(self._keys[slot])) != _EMPTY:
            if found == key:
                doc, paragraph, sentence = self._values[slot]
                return int(doc), int(paragraph), int(sentence)
            slot = (slot + 1) & self._mask
        self._store(slot, key, position)
        return None


class DigestBuckets(_OpenTable):
    """Digest → every ordinal added under it (the buckets of LSH banding). 12 bytes a slot."""

    def add(self, digest: int, ordinal: int) -> None:
        key = digest or 1
        self._store(self._empty_slot(key), key, ordinal)

    def get(self, digest: int) -> list[int]:
        key = digest or 1
        found, slot = [], key & self._mask
        while (stored := int(self._keys[slot])) != _EMPTY:
            if stored == key:
                found.append(int(self._values[slot]))
            slot = (slot + 1) & self._mask
        return found
