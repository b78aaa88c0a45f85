"""Shared fit and score steps of the detectors that train a torch network."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, Self

import numpy as np
import torch
from torch import nn

from collider_vae.detectors.base import check_events, parse_params
from collider_vae.detectors.networks import seeded
from collider_vae.detectors.torch_training import TrainingParams, predict_in_batches, select_device, train_model

EventLoss = Callable[[torch.Tensor], torch.Tensor]


class TorchDetector(ABC):
    """Detector that trains a torch network on background events.

    The per-event training loss is also the anomaly score. A subclass sets
    ``name`` and ``params_type``, builds its network in :meth:`_build` and
    names the loss in :meth:`_event_loss`.
    """

    name: str
    params_type: type[TrainingParams]

    def __init__(self, params: TrainingParams | Mapping[str, Any] | None = None, seed: int = 0) -> None:
        self.params = parse_params(self.params_type, params)
        self.seed = seed
        self.history: list[float] = []
        self._model: nn.Module | None = None
        self._n_features: int | None = None

    @abstractmethod
    def _build(self, x_train: np.ndarray) -> nn.Module:
        """Return the untrained network for these training events."""

    @abstractmethod
    def _event_loss(self, model: nn.Module) -> EventLoss:
        """Return the method of ``model`` that gives one loss per event."""

    def _check_features(self, n_features: int) -> None:
        """Raise ``ValueError`` if the network cannot take ``n_features`` inputs."""

    def _before_training(self, model: nn.Module, x_train: np.ndarray) -> None:
        """Prepare the built network before training. The default does nothing."""

    def fit(self, x_train: np.ndarray, x_val: np.ndarray | None = None) -> Self:
        """Train on background events, with early stopping on ``x_val`` when given."""
        x_train = check_events(x_train, self.name)
        if x_val is not None:
            x_val = check_events(x_val, self.name, x_train.shape[1])
        self._check_features(x_train.shape[1])
        with seeded(self.seed):
            model = self._build(x_train)
        model = model.to(select_device())
        self._model = model
        self._n_features = x_train.shape[1]
        self._before_training(model, x_train)
        self.history = train_model(model, self._event_loss(model), x_train, x_val, self.params, self.name, self.seed)
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """Return each event's loss under the trained network, higher for more anomalous events."""
        if self._model is None:
            raise RuntimeError(f"{self.name}: call fit before score.")
        x = check_events(x, self.name, self._n_features)
        model = self._model
        return predict_in_batches(model, self._event_loss(model), x, self.params.score_batch_size, self.name)
