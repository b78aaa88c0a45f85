"""The holes fraction: the share of empty bins in a fine 2D histogram.

A generator that only returns small variations of a finite set of events
leaves gaps in fine histograms that a sample of the same size from the true
distribution fills. The B-VAE method (arXiv:1901.00875) uses a 400 x 400
histogram of the azimuths of the two leading jets, both in (-pi, pi].
"""

from __future__ import annotations

import numpy as np


def holes_fraction(x: np.ndarray, y: np.ndarray, n_bins: int = 400, limits: tuple[float, float] = (-np.pi, np.pi)) -> float:
    """Return the share of empty bins of an ``n_bins`` x ``n_bins`` histogram of (x, y) over ``limits``."""
    counts, _, _ = np.histogram2d(x, y, bins=n_bins, range=[limits, limits])
    return float((counts == 0).mean())


def flat_holes_fraction(n_entries: int, n_bins: int = 400) -> float:
    """Return the expected holes fraction of ``n_entries`` uniform entries, (1 - 1/B)^n for B bins."""
    n_cells = n_bins * n_bins
    return float(np.exp(n_entries * np.log1p(-1.0 / n_cells)))


def flat_sample_holes_fraction(n_entries: int, rng: np.random.Generator, n_bins: int = 400) -> float:
    """Return the holes fraction of one uniform sample of ``n_entries`` points in (-pi, pi]^2."""
    x = rng.uniform(-np.pi, np.pi, n_entries)
    y = rng.uniform(-np.pi, np.pi, n_entries)
    return holes_fraction(x, y, n_bins)
