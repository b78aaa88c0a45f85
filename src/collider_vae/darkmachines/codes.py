"""Vectorised lookup of object codes, legacy codes included."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collider_vae.physics.objects import LEGACY_CODES, OBJECT_TYPES, TYPE_INDEX

KNOWN_CODES = (*OBJECT_TYPES, *LEGACY_CODES)
# Each known code with the canonical code it stands for.
KNOWN_CODE_PAIRS = (*((code, code) for code in OBJECT_TYPES), *LEGACY_CODES.items())
# Position in OBJECT_TYPES of each entry of KNOWN_CODES.
_CANONICAL_INDEX = np.array(list(range(len(OBJECT_TYPES))) + [TYPE_INDEX[code] for code in LEGACY_CODES.values()])
_CANONICAL_CODES = pa.array(OBJECT_TYPES, pa.string())


def known_code_index(codes: pa.Array) -> np.ndarray:
    """Return each code's position among the known codes, or -1 for an unknown code."""
    value_set = pa.array(KNOWN_CODES, codes.type)
    return pc.index_in(codes, value_set=value_set).fill_null(-1).to_numpy(zero_copy_only=False)


def canonical_codes(known_index: np.ndarray) -> pa.Array:
    """Return the canonical code strings for positions from :func:`known_code_index` (none may be -1)."""
    return _CANONICAL_CODES.take(pa.array(_CANONICAL_INDEX[known_index]))
