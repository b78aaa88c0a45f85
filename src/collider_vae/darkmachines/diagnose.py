"""Line-by-line check of one DarkMachines line, naming the field at fault.

The vectorised parser in :mod:`collider_vae.darkmachines.parser` decides
which lines are valid. This module runs only on the lines it rejects and
reports which field failed and why. Both apply the same rules.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from collider_vae.physics.objects import LEGACY_CODES, OBJECT_TYPES
from collider_vae.physics.units import massless_energy

HEADER_FIELDS = ("eventID", "processID", "weight", "MET", "METphi")
OBJECT_FIELDS = ("type", "E", "pt", "eta", "phi")
MISSING_ENERGY_TOKEN = "E"
KNOWN_CODES = frozenset(OBJECT_TYPES) | frozenset(LEGACY_CODES)

# At most 18 digits, so every accepted event ID fits a signed 64-bit integer.
INTEGER_PATTERN = r"^[+-]?\d{1,18}$"
FLOAT_PATTERN = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_INTEGER = re.compile(INTEGER_PATTERN)
_FLOAT = re.compile(FLOAT_PATTERN)
MISSING_ENERGY_REASON = "energy is the literal 'E' instead of a number"


@dataclass(frozen=True)
class LineProblem:
    """The first problem found on a line: the field and the reason."""

    field: str
    reason: str


class MalformedLineError(ValueError):
    """A line of a DarkMachines file that cannot be parsed."""

    def __init__(self, source_file: str, line_number: int, problem: LineProblem) -> None:
        self.source_file = source_file
        self.line_number = line_number
        self.problem = problem
        super().__init__(
            f"{source_file}, line {line_number}, field {problem.field}: {problem.reason}"
        )


def _check_number(text: str, field: str, non_negative: bool = False) -> LineProblem | None:
    if not _FLOAT.match(text):
        return LineProblem(field, f"not a number: {text!r}")
    value = float(text)
    if not math.isfinite(value):
        return LineProblem(field, f"not finite: {text!r}")
    if non_negative and value < 0:
        return LineProblem(field, f"negative value: {text!r}")
    return None


def _check_object(text: str, index: int, recompute_missing_energy: bool) -> LineProblem | None:
    prefix = f"object {index}"
    parts = text.split(",")
    if len(parts) != len(OBJECT_FIELDS):
        return LineProblem(
            prefix,
            f"expected {len(OBJECT_FIELDS)} comma-separated values "
            f"(type,E,pt,eta,phi), found {len(parts)}: {text!r}",
        )
    code, energy, pt, eta, phi = parts
    if code not in KNOWN_CODES:
        return LineProblem(
            f"{prefix} type",
            f"unknown object code {code!r}; expected one of {', '.join(sorted(KNOWN_CODES))}",
        )
    if energy == MISSING_ENERGY_TOKEN and not recompute_missing_energy:
        return LineProblem(f"{prefix} E", MISSING_ENERGY_REASON)
    if energy != MISSING_ENERGY_TOKEN:
        problem = _check_number(energy, f"{prefix} E", non_negative=True)
        if problem:
            return problem
    for value, name in ((pt, "pt"), (eta, "eta"), (phi, "phi")):
        problem = _check_number(value, f"{prefix} {name}", non_negative=name == "pt")
        if problem:
            return problem
    if energy == MISSING_ENERGY_TOKEN:
        with np.errstate(over="ignore", invalid="ignore"):
            recomputed = massless_energy(float(pt), float(eta))
        if not np.isfinite(recomputed):
            return LineProblem(f"{prefix} E", f"recomputed energy pT cosh(eta) is not finite (pt={pt}, eta={eta})")
    return None


def diagnose_line(text: str, recompute_missing_energy: bool = False) -> LineProblem | None:
    """Return the first problem on a line, or ``None`` if the line is valid.

    Args:
        text: The line without its newline, trailing ``;`` and whitespace.
        recompute_missing_energy: Accept the literal ``E`` as an energy.
    """
    fields = text.split(";")
    if len(fields) < len(HEADER_FIELDS):
        return LineProblem(
            "line",
            f"expected at least {len(HEADER_FIELDS)} ';'-separated fields "
            f"(eventID;processID;weight;MET;METphi), found {len(fields)}",
        )
    first_comma = text.find(",")
    n_header = len(fields) if first_comma < 0 else text.count(";", 0, first_comma)
    if n_header != len(HEADER_FIELDS) and n_header < len(fields):
        return LineProblem(
            "line",
            f"expected {len(HEADER_FIELDS)} ';'-separated fields (eventID;processID;weight;MET;METphi) "
            f"before the first object, found {n_header}",
        )
    event_id, process_id, weight, met, met_phi = fields[: len(HEADER_FIELDS)]
    if not _INTEGER.match(event_id):
        return LineProblem("eventID", f"not an integer of at most 18 digits: {event_id!r}")
    if not process_id:
        return LineProblem("processID", "empty")
    for value, name in ((weight, "weight"), (met, "MET"), (met_phi, "METphi")):
        problem = _check_number(value, name, non_negative=name == "MET")
        if problem:
            return problem
    for index, obj in enumerate(fields[len(HEADER_FIELDS) :], start=1):
        problem = _check_object(obj, index, recompute_missing_energy)
        if problem:
            return problem
    return None
