"""Normalizing-flow detector scored by the negative log-likelihood (zuko)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import zuko
from torch import nn

from collider_vae.detectors.torch_detector import EventLoss, TorchDetector
from collider_vae.detectors.torch_training import Standardize, TrainingParams

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


class FlowDetector(TorchDetector):
    """Masked autoregressive or neural spline flow scored by -log p(x) in input units."""

    name = "flow"
    params_type = FlowParams
    params: FlowParams

    def __init__(self, params: FlowParams | Mapping[str, Any] | None = None, seed: int = 0) -> None:
        super().__init__(params, seed)
        if self.params.flow_type not in _FLOW_TYPES:
            raise ValueError(
                f"{self.name}: flow_type must be one of {sorted(_FLOW_TYPES)}, got {self.params.flow_type!r}."
            )

    def _check_features(self, n_features: int) -> None:
        if n_features < 2:
            raise ValueError(f"{self.name}: autoregressive flows need at least 2 features, got {n_features}.")

    def _build(self, x_train: np.ndarray) -> _Flow:
        return _Flow(x_train, self.params)

    def _event_loss(self, model: _Flow) -> EventLoss:
        return model.negative_log_likelihood
