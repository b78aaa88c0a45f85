"""Autoencoder detector scored by the per-event reconstruction error (torch)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import torch
from torch import nn

from collider_vae.detectors.base import check_events, parse_params
from collider_vae.detectors.networks import build_mlp, seeded
from collider_vae.detectors.torch_training import (
    Standardize,
    TrainingParams,
    predict_in_batches,
    select_device,
    train_model,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AutoencoderParams(TrainingParams):
    """Settings of :class:`AutoencoderDetector`, with the optimiser fields of ``TrainingParams``.

    Attributes:
        hidden_sizes: Encoder layer widths, mirrored by the decoder.
        bottleneck: Width of the code layer, below the number of features.
    """

    hidden_sizes: tuple[int, ...] = (64, 32)
    bottleneck: int = 4


class _Autoencoder(nn.Module):
    def __init__(self, x_train: np.ndarray, hidden_sizes: tuple[int, ...], bottleneck: int) -> None:
        super().__init__()
        n_features = x_train.shape[1]
        self.standardize = Standardize(x_train)
        self.encoder = build_mlp([n_features, *hidden_sizes, bottleneck])
        self.decoder = build_mlp([bottleneck, *reversed(hidden_sizes), n_features])

    def reconstruction_error(self, x: torch.Tensor) -> torch.Tensor:
        """Return the mean squared error per event in standardised units."""
        target = self.standardize(x)
        reconstruction = self.decoder(self.encoder(target))
        return ((reconstruction - target) ** 2).mean(dim=1)


class AutoencoderDetector:
    """Dense autoencoder scored by the mean squared reconstruction error in standardised units."""

    name = "autoencoder"

    def __init__(self, params: AutoencoderParams | Mapping[str, Any] | None = None, seed: int = 0) -> None:
        self.params = parse_params(AutoencoderParams, params)
        self.seed = seed
        self.history: list[float] = []
        self._model: _Autoencoder | None = None
        self._n_features: int | None = None

    def fit(self, x_train: np.ndarray, x_val: np.ndarray | None = None) -> Self:
        """Train on background events, with early stopping on ``x_val`` when given."""
        x_train = check_events(x_train, self.name)
        if x_val is not None:
            x_val = check_events(x_val, self.name, x_train.shape[1])
        if self.params.bottleneck >= x_train.shape[1]:
            raise ValueError(
                f"{self.name}: bottleneck={self.params.bottleneck} must be below the "
                f"{x_train.shape[1]} input features, or the network can learn the identity."
            )
        with seeded(self.seed):
            model = _Autoencoder(x_train, self.params.hidden_sizes, self.params.bottleneck)
        self._model = model.to(select_device())
        self._n_features = x_train.shape[1]
        self.history = train_model(
            self._model, self._model.reconstruction_error, x_train, x_val, self.params, self.name, self.seed
        )
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """Return the reconstruction error of each event, higher for more anomalous events."""
        if self._model is None:
            raise RuntimeError(f"{self.name}: call fit before score.")
        x = check_events(x, self.name, self._n_features)
        model = self._model
        return predict_in_batches(model, model.reconstruction_error, x, self.params.score_batch_size, self.name)
