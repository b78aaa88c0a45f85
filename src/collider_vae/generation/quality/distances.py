"""One-dimensional distances between a generated and a reference sample.

Both samples are filled into the same histogram, normalised to unit sum:
chi2 = sum((p - q)^2 / (p + q)) over bins where p + q > 0, and the
Jensen-Shannon distance in base 2, which lies in [0, 1]. The earth mover's
(Wasserstein-1) distance is computed on the unbinned values, in the
observable's unit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance


@dataclass(frozen=True)
class Distances:
    """Distances of one observable, and the entries they are based on."""

    chi2: float
    emd: float
    js: float
    n_generated: int
    n_reference: int

    def to_dict(self) -> dict[str, float]:
        """Return a JSON-ready dictionary."""
        return asdict(self)


def histogram_edges(reference: np.ndarray, generated: np.ndarray, n_bins: int, log: bool = False, integer: bool = False) -> np.ndarray:
    """Return common bin edges over the range of both samples.

    Args:
        reference: Finite values of the reference sample.
        generated: Finite values of the generated sample.
        n_bins: Number of bins, for continuous observables.
        log: Log-spaced bins, for positive spectra; falls back to linear bins
            when a value is not positive.
        integer: One bin per integer, for counts.
    """
    values = np.concatenate([reference, generated])
    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    if integer:
        return np.arange(np.floor(low), np.floor(high) + 2) - 0.5
    if high <= low:
        return np.array([low - 0.5, low + 0.5])
    if log and low > 0:
        return np.geomspace(low, high, n_bins + 1)
    return np.linspace(low, high, n_bins + 1)


def unit_histogram(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Return the histogram of ``values`` normalised to unit sum, zeros when empty."""
    counts, _ = np.histogram(values, bins=edges)
    total = counts.sum()
    return counts / total if total else counts.astype(np.float64)


def chi2_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Return sum((p - q)^2 / (p + q)) over the bins where p + q > 0."""
    total = p + q
    filled = total > 0
    return float(((p[filled] - q[filled]) ** 2 / total[filled]).sum())


def compare_samples(
    generated: np.ndarray, reference: np.ndarray, n_bins: int = 25, log: bool = False, integer: bool = False
) -> Distances:
    """Return chi2, EMD and JS between two samples; NaN values are left out.

    Where either sample has no finite value, every distance is NaN.
    """
    generated = np.asarray(generated, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    generated = generated[np.isfinite(generated)]
    reference = reference[np.isfinite(reference)]
    if len(generated) == 0 or len(reference) == 0:
        return Distances(np.nan, np.nan, np.nan, len(generated), len(reference))
    edges = histogram_edges(reference, generated, n_bins, log=log, integer=integer)
    p, q = unit_histogram(generated, edges), unit_histogram(reference, edges)
    return Distances(
        chi2=chi2_distance(p, q),
        emd=float(wasserstein_distance(generated, reference)),
        js=float(jensenshannon(p, q, base=2)),
        n_generated=len(generated),
        n_reference=len(reference),
    )
