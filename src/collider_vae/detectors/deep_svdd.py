"""One-class Deep SVDD detector (torch), after Ruff et al., ICML 2018."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from collider_vae.detectors.networks import build_mlp
from collider_vae.detectors.torch_detector import EventLoss, TorchDetector
from collider_vae.detectors.torch_training import Standardize, TrainingParams

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeepSVDDParams(TrainingParams):
    """Settings of :class:`DeepSVDDDetector`, with the optimiser fields of ``TrainingParams``.

    Attributes:
        hidden_sizes: Widths of the hidden layers.
        representation_dim: Width of the output representation.
        negative_slope: LeakyReLU slope between layers.
        min_centre: Centre coordinates closer to 0 than this are pushed to
            ``±min_centre``, because a coordinate at 0 can be matched by
            shrinking the weights instead of learning features.
        weight_decay: Adam L2 weight decay, the one-class regulariser.
    """

    hidden_sizes: tuple[int, ...] = (64, 32)
    representation_dim: int = 16
    negative_slope: float = 0.01
    min_centre: float = 0.1
    weight_decay: float = 1e-6


class _DeepSVDD(nn.Module):
    def __init__(self, x_train: np.ndarray, params: DeepSVDDParams) -> None:
        super().__init__()
        self.standardize = Standardize(x_train)
        # Bias terms and bounded activations would let the network map every
        # event onto the centre (hypersphere collapse), so neither is used.
        self.network = build_mlp(
            [x_train.shape[1], *params.hidden_sizes, params.representation_dim],
            bias=False,
            negative_slope=params.negative_slope,
        )
        self.register_buffer("centre", torch.zeros(params.representation_dim))

    def squared_distance(self, x: torch.Tensor) -> torch.Tensor:
        """Return the squared distance of each event's representation to the centre."""
        return ((self.network(self.standardize(x)) - self.centre) ** 2).sum(dim=1)


class DeepSVDDDetector(TorchDetector):
    """Deep SVDD scored by the squared distance to a centre fixed before training.

    The centre is the mean output of the untrained network on the training
    events, held fixed during training, so it cannot follow the network
    into a trivial solution.
    """

    name = "deep_svdd"
    params_type = DeepSVDDParams
    params: DeepSVDDParams

    def _build(self, x_train: np.ndarray) -> _DeepSVDD:
        return _DeepSVDD(x_train, self.params)

    def _event_loss(self, model: _DeepSVDD) -> EventLoss:
        return model.squared_distance

    def _before_training(self, model: _DeepSVDD, x_train: np.ndarray) -> None:
        model.centre.copy_(self._initial_centre(model, x_train))
        logger.info("%s: centre norm %.4g", self.name, float(model.centre.norm()))

    @torch.no_grad()
    def _initial_centre(self, model: _DeepSVDD, x_train: np.ndarray) -> torch.Tensor:
        device = model.centre.device
        total = torch.zeros_like(model.centre, dtype=torch.float64)
        batch_size = self.params.score_batch_size
        for start in range(0, x_train.shape[0], batch_size):
            batch = torch.as_tensor(x_train[start : start + batch_size], dtype=torch.float32, device=device)
            total += model.network(model.standardize(batch)).double().sum(dim=0)
        centre = (total / x_train.shape[0]).float()
        small = centre.abs() < self.params.min_centre
        centre[small & (centre < 0)] = -self.params.min_centre
        centre[small & (centre >= 0)] = self.params.min_centre
        return centre
