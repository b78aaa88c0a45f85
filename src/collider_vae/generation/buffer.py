"""Density information buffer and the latent samplers built on it.

The buffer stores the encoder's mean and standard deviation of N training
events. The buffer sampler cycles through them and draws
z ~ N(mu_i, alpha * sigma_i + gamma), where gamma is added to the scaled
standard deviation, as in the B-VAE method (arXiv:1901.00875). The prior
sampler draws z ~ N(0, 1), as a plain VAE does, as a baseline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collider_vae.models.inference import encode
from collider_vae.models.vae import BetaVAE

logger = logging.getLogger(__name__)

LatentBatch = tuple[np.ndarray, np.ndarray]  # latent points (float32) and the process ID of each


@dataclass(frozen=True)
class DensityBuffer:
    """Encoded training events.

    Attributes:
        mu: Encoder means, shape (n_events, latent_dim), float32.
        sigma: Encoder standard deviations, same shape.
        process_id: Process of each buffered event.
        observables: Physical observables of each buffered event, for conditions.
    """

    mu: np.ndarray
    sigma: np.ndarray
    process_id: np.ndarray
    observables: pd.DataFrame

    def __len__(self) -> int:
        return len(self.mu)

    @property
    def latent_dim(self) -> int:
        """Size of the latent space."""
        return self.mu.shape[1]

    def select(self, mask: np.ndarray) -> DensityBuffer:
        """Return the buffered events where ``mask`` is true."""
        return DensityBuffer(
            self.mu[mask], self.sigma[mask], self.process_id[mask], self.observables[mask].reset_index(drop=True)
        )

    def to_frame(self) -> pd.DataFrame:
        """Return a table with ``process_id``, the observables, ``mu_<i>`` and ``sigma_<i>``."""
        latent = {f"mu_{i}": self.mu[:, i] for i in range(self.latent_dim)}
        latent |= {f"sigma_{i}": self.sigma[:, i] for i in range(self.latent_dim)}
        frame = pd.concat([self.observables.reset_index(drop=True), pd.DataFrame(latent)], axis=1)
        frame.insert(0, "process_id", self.process_id)
        return frame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> DensityBuffer:
        """Rebuild a buffer saved with :meth:`to_frame`."""
        latent_dim = sum(1 for column in frame.columns if column.startswith("mu_"))
        mu = frame[[f"mu_{i}" for i in range(latent_dim)]].to_numpy(dtype=np.float32)
        sigma = frame[[f"sigma_{i}" for i in range(latent_dim)]].to_numpy(dtype=np.float32)
        latent_columns = {f"mu_{i}" for i in range(latent_dim)} | {f"sigma_{i}" for i in range(latent_dim)}
        observables = frame[[c for c in frame.columns if c not in latent_columns and c != "process_id"]]
        return cls(mu, sigma, frame["process_id"].to_numpy(dtype=str), observables.reset_index(drop=True))


def build_buffer(
    model: BetaVAE,
    features: np.ndarray,
    process_id: np.ndarray,
    observables: pd.DataFrame,
    size: int,
    seed: int,
    batch_size: int = 8192,
) -> DensityBuffer:
    """Encode up to ``size`` events, chosen at random with ``seed``, into a buffer.

    Raises:
        ValueError: If there are no events to buffer.
    """
    if len(features) == 0:
        raise ValueError("Cannot build the density buffer: no training events")
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.permutation(len(features))[: min(size, len(features))])
    mu, logvar = encode(model, features[chosen], batch_size)
    sigma = np.exp(0.5 * logvar).astype(np.float32)
    logger.info("Density buffer: %d of %d training events encoded", len(chosen), len(features))
    return DensityBuffer(mu.astype(np.float32), sigma, np.asarray(process_id)[chosen].astype(str),
                         observables.iloc[chosen].reset_index(drop=True))


def draw_from_buffer(
    mu: np.ndarray, sigma: np.ndarray, alpha: float, gamma: float, rng: np.random.Generator
) -> np.ndarray:
    """Draw one z ~ N(mu_i, alpha * sigma_i + gamma) per row, as float32."""
    noise = rng.standard_normal(mu.shape, dtype=np.float32)
    return mu + (alpha * sigma + gamma) * noise


class BufferSampler:
    """Cycle through the buffer, or through a weighted mixture of per-process buffers.

    Without ``mixture``, event j of the run uses buffered event j mod N, in an
    order shuffled once with the seed, so any run shorter than the buffer
    still covers it evenly. With ``mixture``, each event first draws its
    process with the given weights, then cycles through that process's events.
    """

    def __init__(
        self,
        buffer: DensityBuffer,
        alpha: float,
        gamma: float,
        seed: int,
        mixture: Mapping[str, float] | None = None,
    ) -> None:
        """Create the sampler.

        Raises:
            ValueError: If the buffer is empty, a weight is negative, the
                weights sum to zero, or a mixture process has no buffered events.
        """
        if len(buffer) == 0:
            raise ValueError("The density buffer is empty; relax the condition or enlarge the buffer")
        self.buffer, self.alpha, self.gamma = buffer, float(alpha), float(gamma)
        self._rng = np.random.default_rng(seed)
        if mixture:
            names = list(mixture)
            weights = np.array([float(mixture[name]) for name in names])
            if (weights < 0).any() or weights.sum() <= 0:
                raise ValueError(f"Mixture weights must be non-negative with a positive sum, got {dict(mixture)}")
            members = [np.flatnonzero(buffer.process_id == name) for name in names]
            empty = [name for name, indices in zip(names, members) if len(indices) == 0]
            if empty:
                raise ValueError(f"No buffered events for mixture processes {empty}; buffered: {sorted(set(buffer.process_id))}")
        else:
            names, weights, members = ["all"], np.ones(1), [np.arange(len(buffer))]
        self.components = names
        self.weights = weights / weights.sum()
        self._orders = [self._rng.permutation(indices) for indices in members]
        self._position = np.zeros(len(names), dtype=np.int64)

    def next_indices(self, n: int) -> np.ndarray:
        """Return the buffer rows of the next ``n`` events, advancing the cycle."""
        if len(self.components) == 1:
            component = np.zeros(n, dtype=np.int64)
        else:
            component = self._rng.choice(len(self.components), size=n, p=self.weights)
        rows = np.empty(n, dtype=np.int64)
        for index, order in enumerate(self._orders):
            selected = np.flatnonzero(component == index)
            positions = (self._position[index] + np.arange(len(selected))) % len(order)
            rows[selected] = order[positions]
            self._position[index] += len(selected)
        return rows

    def batches(self, n_events: int, batch_size: int) -> Iterator[LatentBatch]:
        """Yield latent points and process IDs for ``n_events`` events in batches."""
        for start in range(0, n_events, batch_size):
            rows = self.next_indices(min(batch_size, n_events - start))
            z = draw_from_buffer(self.buffer.mu[rows], self.buffer.sigma[rows], self.alpha, self.gamma, self._rng)
            yield z, self.buffer.process_id[rows]


class PriorSampler:
    """Draw z ~ N(0, 1), the plain-VAE baseline; every event gets one process label."""

    def __init__(self, latent_dim: int, seed: int, process_id: str = "generated") -> None:
        self.latent_dim = latent_dim
        self.process_id = process_id
        self._rng = np.random.default_rng(seed)

    def batches(self, n_events: int, batch_size: int) -> Iterator[LatentBatch]:
        """Yield latent points and process IDs for ``n_events`` events in batches."""
        for start in range(0, n_events, batch_size):
            n = min(batch_size, n_events - start)
            z = self._rng.standard_normal((n, self.latent_dim), dtype=np.float32)
            yield z, np.full(n, self.process_id)
