"""Selections on physical observables, written as short comparisons.

A condition is a list of comparisons such as ``"met_gev > 300"`` or
``"n_jets >= 4"``, all of which must hold. Names are the columns of
:func:`collider_vae.generation.observables.event_observables`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

_OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}
_COMPARISON = re.compile(r"^\s*([A-Za-z_]\w*)\s*(>=|<=|==|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


def parse_comparison(text: str) -> tuple[str, str, float]:
    """Split ``"met_gev > 300"`` into the name, the operator and the number.

    Raises:
        ValueError: If the text is not ``NAME OP NUMBER`` with OP one of >, >=, <, <=, ==.
    """
    match = _COMPARISON.match(text)
    if match is None:
        raise ValueError(
            f"Invalid condition {text!r}; write NAME OP NUMBER with OP one of {', '.join(_OPERATORS)}, "
            "for example 'met_gev > 300'"
        )
    name, symbol, number = match.groups()
    return name, symbol, float(number)


def condition_mask(observables: pd.DataFrame, condition: Sequence[str] | None) -> np.ndarray:
    """Flag the rows that satisfy every comparison; an empty or missing condition keeps all rows.

    Comparisons with NaN, such as a dijet mass in an event with one jet, are false.

    Raises:
        ValueError: If a comparison is invalid or names an unknown observable.
    """
    mask = np.ones(len(observables), dtype=bool)
    for text in condition or []:
        name, symbol, number = parse_comparison(text)
        if name not in observables.columns:
            raise ValueError(f"Unknown observable {name!r} in condition {text!r}; known: {', '.join(observables.columns)}")
        mask &= _OPERATORS[symbol](observables[name].to_numpy(), number)
    return mask
