"""ROC curves, AUC and signal efficiency at fixed background efficiencies.

Signal efficiency at a working point eps_B uses the score threshold above
which a fraction of at most eps_B of background events lies. It needs at
least 1 / eps_B background events; with fewer the working point is not
reachable and is reported as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve


@dataclass(frozen=True)
class WorkingPoint:
    """Signal efficiency at one background efficiency, or why it is missing."""

    background_efficiency: float
    signal_efficiency: float | None
    significance_improvement: float | None
    threshold: float | None = None  # events with a score strictly above it pass
    note: str | None = None


def working_point_label(eps_b: float) -> str:
    """Return the column label of a working point, such as ``1e-3``."""
    mantissa, exponent = f"{eps_b:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def roc(background: np.ndarray, signal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return background and signal efficiencies along the ROC curve."""
    labels = np.concatenate([np.zeros(len(background)), np.ones(len(signal))])
    eps_b, eps_s, _ = roc_curve(labels, np.concatenate([background, signal]))
    return eps_b, eps_s


def auc(background: np.ndarray, signal: np.ndarray) -> float:
    """Return the area under the ROC curve; 0.5 means no separation."""
    labels = np.concatenate([np.zeros(len(background)), np.ones(len(signal))])
    return float(roc_auc_score(labels, np.concatenate([background, signal])))


def working_point(background: np.ndarray, signal: np.ndarray, eps_b: float) -> WorkingPoint:
    """Return the signal efficiency and eps_S / sqrt(eps_B) at background efficiency ``eps_b``."""
    n_background = len(background)
    allowed = math.floor(eps_b * n_background + 1e-9)
    if allowed < 1:
        needed = math.ceil(1 / eps_b)
        note = f"not reachable: {n_background} background test events, at least {needed} needed"
        return WorkingPoint(eps_b, None, None, None, note)
    # The threshold leaves `allowed` background events strictly above it, or fewer with ties.
    threshold = np.sort(background)[::-1][allowed]
    eps_s = float(np.mean(signal > threshold)) if len(signal) else 0.0
    return WorkingPoint(eps_b, eps_s, eps_s / math.sqrt(eps_b), float(threshold))
