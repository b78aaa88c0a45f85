"""Background p-values of anomaly scores and rules that combine several methods.

Each method's score is mapped to a p-value against background reference
scores: a small p-value means that few background events score as high, so
the event is anomalous for that method. The rules then combine the p-values
of several methods per event:

* ``"and"``: the maximum p-value, so an event gets a small combined p-value
  only when every method gives it a small p-value.
* ``"or"``: the minimum p-value, so one method with a small p-value suffices.
* ``"product"``: the product of the p-values.
* ``"mean"``: the arithmetic mean of the p-values.

None of the combined values is a calibrated p-value, because the methods are
correlated and the product is not uniform even for independent ones. Use them
to rank events, or map them through :func:`background_p_values` again with
combined values of background reference events.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np

logger = logging.getLogger(__name__)

RULES = ("and", "or", "product", "mean")

# Default lower bound on p-values turned into scores, which caps the score at 300.
DEFAULT_P_FLOOR = 1e-300


def background_p_values(reference_scores: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Return the background p-value of each score.

    With ``k`` the number of the ``n`` reference scores that are greater than
    or equal to a score ``x``, the p-value is ``(k + 1) / (n + 1)``. This
    counts ``x`` itself as one more background draw, so a score above every
    reference gets ``1 / (n + 1)`` and never 0, and the p-value of a
    background event is valid (never too small on average). For large ``n``
    it approaches the plain fraction ``k / n``.

    Args:
        reference_scores: Scores of background reference events, such as the
            validation set, any shape.
        scores: Scores to convert, any shape.

    Returns:
        P-values in ``(0, 1]`` with the shape of ``scores``.

    Raises:
        ValueError: If the reference is empty or either input contains NaN.
    """
    reference = np.sort(np.asarray(reference_scores, dtype=float).ravel())
    scores = np.asarray(scores, dtype=float)
    if reference.size == 0:
        raise ValueError("reference_scores is empty, but background p-values need reference events.")
    if np.isnan(reference).any() or np.isnan(scores).any():
        raise ValueError("Scores contain NaN, whose p-values are undefined. Remove those events first.")
    n_at_or_above = reference.size - np.searchsorted(reference, scores, side="left")
    return (n_at_or_above + 1.0) / (reference.size + 1.0)


def combine_p_values(
    p_values: Mapping[str, np.ndarray] | np.ndarray,
    rule: str,
    methods: Sequence[str] | None = None,
) -> np.ndarray:
    """Combine the p-values of several methods per event with one rule.

    Args:
        p_values: Either a mapping from method name to p-values of shape
            ``(n_events,)``, or an array of shape ``(n_events, n_methods)``.
        rule: One of ``"and"`` (max), ``"or"`` (min), ``"product"`` or ``"mean"``.
        methods: Names to combine from a mapping, all of them when ``None``.

    Returns:
        Combined p-values of shape ``(n_events,)``, small for anomalous events.

    Raises:
        ValueError: If the rule is unknown, a method is missing, no method is
            selected or the arrays differ in length.
    """
    stacked = _stack_p_values(p_values, methods)
    if rule == "and":
        return stacked.max(axis=1)
    if rule == "or":
        return stacked.min(axis=1)
    if rule == "product":
        return stacked.prod(axis=1)
    if rule == "mean":
        return stacked.mean(axis=1)
    raise ValueError(f"Unknown combination rule {rule!r}. Choose one of {RULES}.")


def p_value_to_score(p_values: np.ndarray, floor: float = DEFAULT_P_FLOOR) -> np.ndarray:
    """Return ``-log10(max(p, floor))``, a score that is higher for more anomalous events."""
    if not 0.0 < floor <= 1.0:
        raise ValueError(f"floor must be in (0, 1], got {floor}.")
    return -np.log10(np.maximum(np.asarray(p_values, dtype=float), floor))


def combined_scores(
    reference_scores: Mapping[str, np.ndarray],
    scores: Mapping[str, np.ndarray],
    rule: str,
    methods: Sequence[str] | None = None,
    floor: float = DEFAULT_P_FLOOR,
) -> np.ndarray:
    """Convert each method's scores to background p-values, combine them and return a score.

    Args:
        reference_scores: Method name to background reference scores.
        scores: Method name to scores of the events to combine, equal lengths.
        rule: One of ``"and"``, ``"or"``, ``"product"`` or ``"mean"``.
        methods: Names to combine, all keys of ``scores`` when ``None``.
        floor: Lower bound on the combined p-value before taking -log10.

    Returns:
        ``-log10`` of the combined p-value per event, higher for more anomalous events.
    """
    names = list(scores) if methods is None else list(methods)
    missing = [name for name in names if name not in reference_scores]
    if missing:
        raise ValueError(f"No reference scores for methods {missing}.")
    p_values = {name: background_p_values(reference_scores[name], scores[name]) for name in names}
    combined = combine_p_values(p_values, rule, names)
    logger.info(
        "Combined %d methods (%s) with rule %r for %d events", len(names), ", ".join(names), rule, combined.size
    )
    return p_value_to_score(combined, floor)


def _stack_p_values(p_values: Mapping[str, np.ndarray] | np.ndarray, methods: Sequence[str] | None) -> np.ndarray:
    if isinstance(p_values, Mapping):
        names = list(p_values) if methods is None else list(methods)
        missing = [name for name in names if name not in p_values]
        if missing:
            raise ValueError(f"No p-values for methods {missing}. Available methods: {sorted(p_values)}.")
        columns = [np.asarray(p_values[name], dtype=float).ravel() for name in names]
        lengths = {column.size for column in columns}
        if len(lengths) > 1:
            raise ValueError(f"Methods {names} have p-value arrays of different lengths {sorted(lengths)}.")
        stacked = np.column_stack(columns) if columns else np.empty((0, 0))
    else:
        if methods is not None:
            raise ValueError("methods can only select from a mapping of p-values.")
        stacked = np.asarray(p_values, dtype=float)
        if stacked.ndim != 2:
            raise ValueError(f"Expected p-values of shape (n_events, n_methods), got {stacked.shape}.")
    if stacked.shape[1] == 0:
        raise ValueError("No methods selected for the combination.")
    if np.isnan(stacked).any() or (stacked < 0).any() or (stacked > 1).any():
        raise ValueError("P-values must lie in [0, 1] and contain no NaN.")
    return stacked
