"""k-nearest-neighbour distance detector (scikit-learn)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from collider_vae.detectors.base import check_events, parse_params, score_in_batches

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KNNParams:
    """Settings of :class:`KNNDetector`.

    Attributes:
        n_neighbors: Number of nearest training events averaged.
        algorithm: ``NearestNeighbors`` search algorithm (``"brute"``,
            ``"auto"``, ``"ball_tree"`` or ``"kd_tree"``). Brute force scored
            13-dimensional events about 5 times faster than ``"kd_tree"``
            (the ``"auto"`` choice there) in ``benchmarks/score_detectors.py``.
        n_jobs: Parallel jobs for the search, one if ``None``.
        score_batch_size: Query events per search call.
    """

    n_neighbors: int = 5
    algorithm: str = "brute"
    n_jobs: int | None = None
    score_batch_size: int = 16_384


class KNNDetector:
    """Mean Euclidean distance to the k nearest training events, in standardised units.

    ``score`` treats every event as new, so an event that is itself in the
    training set finds itself at distance 0. For the training events use
    ``score_training``, which drops exactly one zero-distance match per event.
    """

    name = "knn"

    def __init__(self, params: KNNParams | Mapping[str, Any] | None = None, seed: int = 0) -> None:
        self.params = parse_params(KNNParams, params)
        if self.params.n_neighbors < 1:
            raise ValueError(f"{self.name}: n_neighbors must be at least 1, got {self.params.n_neighbors}.")
        self.seed = seed
        self._scaler: StandardScaler | None = None
        self._index: NearestNeighbors | None = None
        self._train: np.ndarray | None = None

    def fit(self, x_train: np.ndarray, x_val: np.ndarray | None = None) -> Self:
        """Index the standardised training events. ``x_val`` is not used."""
        x_train = check_events(x_train, self.name)
        if x_train.shape[0] <= self.params.n_neighbors:
            raise ValueError(
                f"{self.name}: need more than n_neighbors={self.params.n_neighbors} training events, "
                f"got {x_train.shape[0]}."
            )
        start = time.perf_counter()
        self._scaler = StandardScaler().fit(x_train)
        self._train = self._scaler.transform(x_train)
        self._index = NearestNeighbors(algorithm=self.params.algorithm, n_jobs=self.params.n_jobs).fit(self._train)
        logger.info("%s: indexed %d events in %.1f s", self.name, x_train.shape[0], time.perf_counter() - start)
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """Return the mean distance of each event to its k nearest training events."""
        # TODO: exact search costs O(n_train) per query, about 10 min for 1M
        # queries against 50k events in 98 dimensions on 2 shared CPU cores
        # (docs/benchmarks.md). Full samples may need n_jobs, a subsampled
        # index or an approximate search.
        scaler = self._require_fitted()
        x = check_events(x, self.name, int(scaler.n_features_in_))
        k = self.params.n_neighbors
        return score_in_batches(
            lambda batch: self._mean_distance(scaler.transform(batch), k, skip_first=False),
            x,
            self.params.score_batch_size,
            self.name,
        )

    def score_training(self) -> np.ndarray:
        """Return the score of each training event with its self-match removed.

        Each training event is queried for k + 1 neighbours and the nearest is
        dropped. The event itself is at distance 0, which is the minimum, so
        the dropped distance is 0 even when an exact duplicate exists, and
        the remaining k distances are those to the other training events.
        """
        self._require_fitted()
        train = self._train
        k = self.params.n_neighbors
        return score_in_batches(
            lambda batch: self._mean_distance(batch, k + 1, skip_first=True),
            train,
            self.params.score_batch_size,
            self.name,
        )

    def _mean_distance(self, scaled: np.ndarray, n_neighbors: int, skip_first: bool) -> np.ndarray:
        distances, _ = self._index.kneighbors(scaled, n_neighbors=n_neighbors)
        if skip_first:
            distances = distances[:, 1:]
        return distances.mean(axis=1)

    def _require_fitted(self) -> StandardScaler:
        if self._scaler is None or self._index is None:
            raise RuntimeError(f"{self.name}: call fit before score.")
        return self._scaler
