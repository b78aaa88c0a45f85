"""Reconstructed object types of the DarkMachines format."""

from __future__ import annotations

# Canonical codes, in the order used for one-hot encodings.
OBJECT_TYPES: tuple[str, ...] = ("j", "b", "e-", "e+", "m-", "m+", "g")

# Codes written by older DarkMachines tools, mapped to the canonical ones.
LEGACY_CODES: dict[str, str] = {"mu-": "m-", "mu+": "m+", "a": "g"}

JET_TYPES: frozenset[str] = frozenset({"j", "b"})
ELECTRON_TYPES: frozenset[str] = frozenset({"e-", "e+"})
MUON_TYPES: frozenset[str] = frozenset({"m-", "m+"})
LEPTON_TYPES: frozenset[str] = ELECTRON_TYPES | MUON_TYPES
PHOTON_TYPES: frozenset[str] = frozenset({"g"})

TYPE_INDEX: dict[str, int] = {code: index for index, code in enumerate(OBJECT_TYPES)}


def canonical_code(code: str) -> str:
    """Return the canonical object code, mapping legacy codes such as ``mu-``.

    Raises:
        KeyError: If ``code`` is neither canonical nor legacy.
    """
    if code in TYPE_INDEX:
        return code
    return LEGACY_CODES[code]
