"""Memorisation: do generated events sit closer to training events than new Monte Carlo does?

For each generated event and each held-out Monte Carlo event, take the
Euclidean distance to its nearest training event in the scaled feature
space. A generator that returns its training events gives generated
distances near zero. A generator as novel as fresh Monte Carlo puts the
same share of its events below any quantile of the Monte Carlo distances,
for example half below the median.
"""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import NearestNeighbors

QUANTILES = (0.01, 0.05, 0.5)


def nearest_distances(queries: np.ndarray, training: np.ndarray) -> np.ndarray:
    """Return each query's Euclidean distance to its nearest row of ``training``."""
    index = NearestNeighbors(n_neighbors=1, algorithm="brute").fit(training)
    distances, _ = index.kneighbors(queries)
    return distances[:, 0]


def memorisation_report(
    generated: np.ndarray, held_out: np.ndarray, training: np.ndarray, quantiles: tuple[float, ...] = QUANTILES
) -> dict[str, float]:
    """Compare nearest-training-event distances of generated and held-out events.

    Args:
        generated: Feature vectors of generated events.
        held_out: Feature vectors of Monte Carlo events the model never saw.
        training: Feature vectors of the training events.
        quantiles: Quantiles q of the held-out distances to compare against.

    Returns:
        For each q, ``share_below_mc_q<q>``: the share of generated events
        closer than the held-out q-quantile, which is about q for a novel
        generator and 1 for one that copies training events. Also the
        median distances of both samples.

    Raises:
        ValueError: If any of the three samples is empty.
    """
    if min(len(generated), len(held_out), len(training)) == 0:
        raise ValueError(
            f"Memorisation needs events in every sample: {len(generated)} generated, "
            f"{len(held_out)} held out, {len(training)} training"
        )
    generated_distance = nearest_distances(generated, training)
    held_out_distance = nearest_distances(held_out, training)
    report = {
        "median_distance_generated": float(np.median(generated_distance)),
        "median_distance_mc": float(np.median(held_out_distance)),
    }
    for q in quantiles:
        threshold = np.quantile(held_out_distance, q)
        report[f"share_below_mc_q{q:g}"] = float((generated_distance < threshold).mean())
    return report
