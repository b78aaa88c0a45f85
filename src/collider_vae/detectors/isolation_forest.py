"""Isolation forest detector (scikit-learn)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from sklearn.ensemble import IsolationForest

from collider_vae.detectors.base import check_events, parse_params, score_in_batches

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IsolationForestParams:
    """Settings of :class:`IsolationForestDetector`.

    Attributes:
        n_estimators: Number of trees.
        max_samples: Events drawn to build each tree, an int or ``"auto"``
            (min(256, n_events)).
        n_jobs: Parallel jobs for fitting and scoring, one if ``None``.
        score_batch_size: Events per call to ``score_samples``.
    """

    n_estimators: int = 200
    max_samples: int | str = "auto"
    n_jobs: int | None = None
    score_batch_size: int = 65_536


class IsolationForestDetector:
    """Isolation forest whose score is the negated ``score_samples``, so higher is more anomalous."""

    name = "isolation_forest"

    def __init__(self, params: IsolationForestParams | Mapping[str, Any] | None = None, seed: int = 0) -> None:
        self.params = parse_params(IsolationForestParams, params)
        self.seed = seed
        self._forest: IsolationForest | None = None
        self._n_features: int | None = None

    def fit(self, x_train: np.ndarray, x_val: np.ndarray | None = None) -> Self:
        """Fit the forest on background events. ``x_val`` is not used."""
        x_train = check_events(x_train, self.name)
        start = time.perf_counter()
        self._forest = IsolationForest(
            n_estimators=self.params.n_estimators,
            max_samples=self.params.max_samples,
            n_jobs=self.params.n_jobs,
            random_state=self.seed,
        ).fit(x_train)
        self._n_features = x_train.shape[1]
        logger.info("%s: fit on %d events in %.1f s", self.name, x_train.shape[0], time.perf_counter() - start)
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """Return the anomaly score of each event, higher for more anomalous events."""
        if self._forest is None:
            raise RuntimeError(f"{self.name}: call fit before score.")
        x = check_events(x, self.name, self._n_features)
        forest = self._forest
        return score_in_batches(lambda batch: -forest.score_samples(batch), x, self.params.score_batch_size, self.name)
