"""Counting experiment at a score threshold and the DarkMachines significance improvements.

Events pass a working point when their anomaly score is greater than or equal
to the threshold. With per-event weights normalised to 1 fb^-1, the expected
background ``b`` and signal ``s`` are the summed weights of the passing events
times the integrated luminosity in fb^-1. Two discovery significances of
observing ``n = s + b`` events when ``b`` are expected are reported:

* ``z_asimov``: the Asimov approximation
  ``Z = sqrt(2 ((s + b) ln(1 + s / b) - s))``, the median significance of the
  profile likelihood ratio test for a known ``b``.
* ``z_poisson``: the one-sided Poisson p-value ``P(N >= n | b)`` converted to
  a Gaussian significance with ``scipy.stats.norm.isf``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

logger = logging.getLogger(__name__)

TABLE_COLUMNS = ("signal", "chan", "model", "SI")
DEFAULT_EFFICIENCY_COLUMNS = {"1e-2": 1e-2, "1e-3": 1e-3, "1e-4": 1e-4}


@dataclass(frozen=True)
class CountingResult:
    """Expected counts and significances of one working point.

    Attributes:
        threshold: Score threshold. Events with score >= threshold pass.
        background: Expected background count ``b``.
        signal: Expected signal count ``s``.
        z_asimov: Asimov significance.
        p_poisson: Poisson p-value of observing ``s + b`` events.
        z_poisson: ``p_poisson`` as a one-sided Gaussian significance.
    """

    threshold: float
    background: float
    signal: float
    z_asimov: float
    p_poisson: float
    z_poisson: float


def expected_counts(
    background_scores: np.ndarray,
    background_weights: np.ndarray,
    signal_scores: np.ndarray,
    signal_weights: np.ndarray,
    threshold: float,
    luminosity_ifb: float = 1.0,
) -> tuple[float, float]:
    """Return the expected background and signal counts ``(b, s)`` of events with score >= threshold.

    Args:
        background_scores: Anomaly scores of background events.
        background_weights: Weights of the background events, per fb^-1 unless
            ``luminosity_ifb`` is 1 and the weights already include it.
        signal_scores: Anomaly scores of signal events.
        signal_weights: Weights of the signal events, in the same units.
        threshold: Score threshold.
        luminosity_ifb: Integrated luminosity in fb^-1 that multiplies the weights.
    """
    if luminosity_ifb < 0:
        raise ValueError(f"luminosity_ifb must be non-negative, got {luminosity_ifb}.")
    background = _passing_weight(background_scores, background_weights, threshold, "background")
    signal = _passing_weight(signal_scores, signal_weights, threshold, "signal")
    return background * luminosity_ifb, signal * luminosity_ifb


def asimov_significance(signal: float, background: float) -> float:
    """Return ``sqrt(2 ((s + b) ln(1 + s / b) - s))``.

    The limit for ``b -> 0`` is returned for ``b = 0``: infinity when ``s > 0``
    and 0 when ``s = 0``.
    """
    _check_counts(signal, background)
    if signal == 0:
        return 0.0
    if background == 0:
        return float("inf")
    argument = 2.0 * ((signal + background) * np.log1p(signal / background) - signal)
    # Rounding can make the argument a tiny negative number when s << b.
    return float(np.sqrt(max(argument, 0.0)))


def poisson_p_value(signal: float, background: float) -> float:
    """Return ``P(N >= s + b)`` for ``N ~ Poisson(b)``.

    The tail is the regularised lower incomplete gamma function ``P(n, b)``,
    which equals ``stats.poisson.sf(n - 1, b)`` for an integer ``n = s + b``
    and interpolates it smoothly for a non-integer expected count.
    """
    _check_counts(signal, background)
    observed = signal + background
    if observed == 0:
        return 1.0
    return float(special.gammainc(observed, background))


def poisson_significance(signal: float, background: float) -> float:
    """Return the Poisson p-value as a one-sided Gaussian significance, at least 0.

    Without an excess (``s = 0``) the p-value is above one half, and the
    significance is reported as 0 instead of a negative value. A p-value that
    underflows to 0, as for ``b = 0`` and ``s > 0``, gives infinity.
    """
    if signal == 0:
        _check_counts(signal, background)
        return 0.0
    return float(max(stats.norm.isf(poisson_p_value(signal, background)), 0.0))


def counting_experiment(
    background_scores: np.ndarray,
    background_weights: np.ndarray,
    signal_scores: np.ndarray,
    signal_weights: np.ndarray,
    threshold: float,
    luminosity_ifb: float = 1.0,
) -> CountingResult:
    """Compute the expected counts and both significances at one score threshold."""
    background, signal = expected_counts(
        background_scores, background_weights, signal_scores, signal_weights, threshold, luminosity_ifb
    )
    result = CountingResult(
        threshold=float(threshold),
        background=background,
        signal=signal,
        z_asimov=asimov_significance(signal, background),
        p_poisson=poisson_p_value(signal, background),
        z_poisson=poisson_significance(signal, background),
    )
    logger.debug(
        "Threshold %.6g: b = %.4g, s = %.4g, Z_Asimov = %.3g, Z_Poisson = %.3g",
        result.threshold,
        background,
        signal,
        result.z_asimov,
        result.z_poisson,
    )
    return result


def significance_improvement(signal_efficiency: np.ndarray | float, background_efficiency: float) -> np.ndarray | float:
    """Return the significance improvement ``eps_S / sqrt(eps_B)``."""
    if not background_efficiency > 0:
        raise ValueError(f"background_efficiency must be positive, got {background_efficiency}.")
    return np.asarray(signal_efficiency, dtype=float) / np.sqrt(background_efficiency)


def significance_improvements_from_efficiencies(
    table: pd.DataFrame,
    efficiency_columns: Mapping[str, float] = DEFAULT_EFFICIENCY_COLUMNS,
) -> pd.DataFrame:
    """Turn signal efficiencies at fixed background efficiencies into significance improvements.

    Args:
        table: One row per (signal, chan, model) with a signal-efficiency
            column per working point, as in the challenge's result CSV.
        efficiency_columns: Column name to the background efficiency of that
            working point.

    Returns:
        One row per (signal, chan, model, working point) with the columns
        ``signal``, ``chan``, ``model``, ``background_efficiency`` and ``SI``.
    """
    missing = [column for column in ("signal", "chan", "model", *efficiency_columns) if column not in table]
    if missing:
        raise ValueError(f"The efficiency table lacks the columns {missing}.")
    parts = []
    for column, background_efficiency in efficiency_columns.items():
        part = table[["signal", "chan", "model"]].copy()
        part["background_efficiency"] = background_efficiency
        part["SI"] = significance_improvement(table[column].to_numpy(dtype=float), background_efficiency)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def total_improvement(rows: pd.DataFrame | Iterable[Mapping[str, Any] | tuple]) -> pd.DataFrame:
    """Return the total improvement: the maximum SI of each (model, signal) over all its rows.

    The rows of one anomaly-detection model and one physics signal differ by
    channel and working point. NaN values of SI are skipped.

    Args:
        rows: A DataFrame, mappings or ``(signal, chan, model, SI)`` tuples.

    Returns:
        Columns ``model``, ``signal``, ``chan`` (where the maximum occurs) and
        ``total_improvement``, sorted by model and signal.
    """
    table = _as_si_table(rows)
    valid = table.dropna(subset=["SI"])
    if valid.empty:
        raise ValueError("No rows with a finite significance improvement.")
    best = valid.loc[valid.groupby(["model", "signal"], sort=True)["SI"].idxmax()]
    result = best[["model", "signal", "chan", "SI"]].rename(columns={"SI": "total_improvement"})
    return result.reset_index(drop=True)


def summarize_total_improvement(totals: pd.DataFrame) -> pd.DataFrame:
    """Return the minimum, median and maximum total improvement over signals for each model."""
    grouped = totals.groupby("model")["total_improvement"]
    return grouped.agg(["min", "median", "max"]).reset_index()


def _as_si_table(rows: pd.DataFrame | Iterable[Mapping[str, Any] | tuple]) -> pd.DataFrame:
    table = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if not isinstance(rows, pd.DataFrame) and list(table.columns) == list(range(len(TABLE_COLUMNS))):
        table.columns = list(TABLE_COLUMNS)
    missing = [column for column in TABLE_COLUMNS if column not in table]
    if missing:
        raise ValueError(f"The table lacks the columns {missing}. Expected {list(TABLE_COLUMNS)}.")
    table["SI"] = table["SI"].astype(float)
    return table


def _passing_weight(scores: np.ndarray, weights: np.ndarray, threshold: float, label: str) -> float:
    scores = np.asarray(scores, dtype=float).ravel()
    weights = np.asarray(weights, dtype=float).ravel()
    if scores.shape != weights.shape:
        raise ValueError(f"{label}: {scores.size} scores but {weights.size} weights.")
    if np.isnan(scores).any() or np.isnan(weights).any():
        raise ValueError(f"{label}: scores or weights contain NaN.")
    return float(weights[scores >= threshold].sum())


def _check_counts(signal: float, background: float) -> None:
    if not (signal >= 0 and background >= 0):
        raise ValueError(f"Expected counts must be non-negative, got s = {signal}, b = {background}.")
