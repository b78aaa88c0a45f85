"""Normalizing-flow detector scored by the negative log-likelihood (zuko)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import torch
import zuko
from torch import nn

from collider_vae.detectors.base import check_events, parse_params
from collider_vae.detectors.networks import seeded
from collider_vae.detectors.torch_training import (
    Standardize,
    TrainingParams,
    predict_in_batches,
    select_device,
    train_model,
)

logger = logging.getLogger(__name__)

_FLOW_TYPES = {"maf": zuko.flows.MAF, "nsf": zuko.flows.NSF}


@dataclass(frozen=True)
class FlowParams(TrainingParams):
    """Settings of :class:`FlowDetector`, with the optimiser fields of ``TrainingParams``.

    Attributes:
        flow_type: ``"maf"`` (affine masked autoregressive flow) or ``"nsf"``
            (rational-quadratic neural spline flow).
        transforms: Number of stacked autoregressive transforms.
        hidden_features: Hidden layer widths of each transform's network.
    """

    flow_type: str = "maf"
    transforms: int = 3
    hidden_features: tuple[int, ...] = (64, 64)


class _Flow(nn.Module):
    def __init__(self, x_train: np.ndarray, params: FlowParams) -> None:
        super().__init__()
        self.standardize = Standardize(x_train)
        self.flow = _FLOW_TYPES[params.flow_type](
            features=x_train.shape[1],
            transforms=params.transforms,
            hidden_features=params.hidden_features,
        )

    def negative_log_likelihood(self, x: torch.Tensor) -> torch.Tensor:
        """Return -log p(x) per event in input units, including the standardisation Jacobian."""
        return -(self.flow().log_prob(self.standardize(x)) + self.standardize.log_abs_det())


class FlowDetector:
    """Masked autoregressive or neural spline flow scored by -log p(x) in input units."""

    name = "flow"

    def __init__(self, params: FlowParams | Mapping[str, Any] | None = None, seed: int = 0) -> None:
        self.params = parse_params(FlowParams, params)
        if self.params.flow_type not in _FLOW_TYPES:
            raise ValueError(
                f"{self.name}: flow_type must be one of {sorted(_FLOW_TYPES)}, got {self.params.flow_type!r}."
            )
        self.seed = seed
        self.history: list[float] = []
        self._model: _Flow | None = None
        self._n_features: int | None = None

    def fit(self, x_train: np.ndarray, x_val: np.ndarray | None = None) -> Self:
        """Train by maximum likelihood on background events, with early stopping on ``x_val`` when given."""
        x_train = check_events(x_train, self.name)
        if x_val is not None:
            x_val = check_events(x_val, self.name, x_train.shape[1])
        if x_train.shape[1] < 2:
            raise ValueError(f"{self.name}: autoregressive flows need at least 2 features, got {x_train.shape[1]}.")
        with seeded(self.seed):
            model = _Flow(x_train, self.params)
        self._model = model.to(select_device())
        self._n_features = x_train.shape[1]
        self.history = train_model(
            self._model, self._model.negative_log_likelihood, x_train, x_val, self.params, self.name, self.seed
        )
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """Return -log p(x) of each event, higher for more anomalous events."""
        if self._model is None:
            raise RuntimeError(f"{self.name}: call fit before score.")
        x = check_events(x, self.name, self._n_features)
        model = self._model
        return predict_in_batches(model, model.negative_log_likelihood, x, self.params.score_batch_size, self.name)
