"""Train, validation and test splits that depend on event identity, not row order.

Each event's split comes from a 64-bit hash of its process ID, event ID and a
salt, so reordering or re-chunking the input never moves an event to
another split, and changing the salt draws a new, independent split.
"""

from __future__ import annotations

import hashlib

import numpy as np

TRAIN, VALIDATION, TEST, SIGNAL = "train", "validation", "test", "signal"
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _splitmix64(values: np.ndarray) -> np.ndarray:
    """Mix 64-bit integers with the SplitMix64 finaliser (Steele et al., 2014)."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return (z ^ (z >> np.uint64(31))) & _MASK64


def _string_hash(text: str) -> np.uint64:
    return np.uint64(int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little"))


def uniform_from_ids(process_ids: np.ndarray, event_ids: np.ndarray, salt: str) -> np.ndarray:
    """Map each (process ID, event ID) pair to a number in [0, 1), the same on every run."""
    unique, inverse = np.unique(process_ids.astype(str), return_inverse=True)
    process_hash = np.array([_string_hash(f"{salt}/{name}") for name in unique], dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = _splitmix64(event_ids.astype(np.int64).view(np.uint64) ^ process_hash[inverse])
    return (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def assign_split(
    process_ids: np.ndarray, event_ids: np.ndarray, fractions: dict[str, float], salt: str
) -> np.ndarray:
    """Assign each background event to ``train``, ``validation`` or ``test``.

    Args:
        process_ids: Process label of each event.
        event_ids: Event ID of each event.
        fractions: Fractions for ``train``, ``validation`` and ``test``, summing to 1.
        salt: String mixed into the hash; another salt gives another split.

    Raises:
        ValueError: If the fractions are negative or do not sum to 1.
    """
    values = [fractions[name] for name in (TRAIN, VALIDATION, TEST)]
    if min(values) < 0 or not np.isclose(sum(values), 1.0):
        raise ValueError(f"Split fractions must be non-negative and sum to 1, got {fractions}")
    uniform = uniform_from_ids(process_ids, event_ids, salt)
    edges = np.cumsum(values)[:-1]
    return np.array([TRAIN, VALIDATION, TEST])[np.searchsorted(edges, uniform, side="right")]
