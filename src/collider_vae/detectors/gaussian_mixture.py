"""Gaussian mixture detector with the number of components chosen by BIC (scikit-learn)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from collider_vae.detectors.base import check_events, parse_params, score_in_batches

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GaussianMixtureParams:
    """Settings of :class:`GaussianMixtureDetector`.

    Attributes:
        n_components: Candidate numbers of components. The one with the lowest
            BIC on the training events is kept.
        covariance_type: ``"full"``, ``"tied"``, ``"diag"`` or ``"spherical"``.
        max_iter: Maximum EM iterations per fit.
        n_init: EM restarts per candidate, of which the best likelihood is kept.
        reg_covar: Value added to the covariance diagonals for stability.
        score_batch_size: Events per call to ``score_samples``.
    """

    n_components: tuple[int, ...] = (1, 2, 4, 8, 16)
    covariance_type: str = "full"
    max_iter: int = 200
    n_init: int = 1
    reg_covar: float = 1e-6
    score_batch_size: int = 65_536


class GaussianMixtureDetector:
    """Gaussian mixture on standardised inputs, scored by the negative log-likelihood.

    The inputs are standardised with the training mean and standard deviation,
    so the score is the negative log density in standardised units. It differs
    from the density in input units by one constant, so the ranking is the same.
    """

    name = "gaussian_mixture"

    def __init__(self, params: GaussianMixtureParams | Mapping[str, Any] | None = None, seed: int = 0) -> None:
        self.params = parse_params(GaussianMixtureParams, params)
        if not self.params.n_components:
            raise ValueError(f"{self.name}: n_components must list at least one candidate.")
        self.seed = seed
        self.bic: dict[int, float] = {}
        self._scaler: StandardScaler | None = None
        self._mixture: GaussianMixture | None = None

    @property
    def chosen_components(self) -> int:
        """Number of components of the fitted mixture."""
        if self._mixture is None:
            raise RuntimeError(f"{self.name}: call fit first.")
        return int(self._mixture.n_components)

    def fit(self, x_train: np.ndarray, x_val: np.ndarray | None = None) -> Self:
        """Fit one mixture per candidate size and keep the lowest BIC. ``x_val`` is not used."""
        x_train = check_events(x_train, self.name)
        self._scaler = StandardScaler().fit(x_train)
        scaled = self._scaler.transform(x_train)

        # TODO: with full covariances the search over (1, 2, 4, 8, 16) took 28 min
        # on 50k events of 98 features (2 shared CPU cores, docs/benchmarks.md),
        # against 22 s for 13 features. For input-space features, fit on a
        # subsample or use covariance_type="diag" until this is measured further.
        best: GaussianMixture | None = None
        self.bic = {}
        for n_components in self.params.n_components:
            if n_components > scaled.shape[0]:
                logger.warning("%s: skipping %d components for %d events", self.name, n_components, scaled.shape[0])
                continue
            start = time.perf_counter()
            mixture = GaussianMixture(
                n_components=n_components,
                covariance_type=self.params.covariance_type,
                max_iter=self.params.max_iter,
                n_init=self.params.n_init,
                reg_covar=self.params.reg_covar,
                random_state=self.seed,
            ).fit(scaled)
            self.bic[n_components] = float(mixture.bic(scaled))
            logger.info(
                "%s: %d components, BIC %.6g, converged %s, %.1f s",
                self.name,
                n_components,
                self.bic[n_components],
                mixture.converged_,
                time.perf_counter() - start,
            )
            if best is None or self.bic[n_components] < self.bic[best.n_components]:
                best = mixture
        if best is None:
            raise ValueError(f"{self.name}: every candidate in {self.params.n_components} exceeds the event count.")
        self._mixture = best
        logger.info("%s: chose %d components on %d events", self.name, best.n_components, scaled.shape[0])
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """Return the negative log-likelihood of each event, higher for more anomalous events."""
        if self._mixture is None or self._scaler is None:
            raise RuntimeError(f"{self.name}: call fit before score.")
        x = check_events(x, self.name, int(self._scaler.n_features_in_))
        scaler, mixture = self._scaler, self._mixture
        return score_in_batches(
            lambda batch: -mixture.score_samples(scaler.transform(batch)), x, self.params.score_batch_size, self.name
        )
