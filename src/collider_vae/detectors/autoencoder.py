"""Autoencoder detector scored by the per-event reconstruction error (torch)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from collider_vae.detectors.networks import build_mlp
from collider_vae.detectors.torch_detector import EventLoss, TorchDetector
from collider_vae.detectors.torch_training import Standardize, TrainingParams


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


class AutoencoderDetector(TorchDetector):
    """Dense autoencoder scored by the mean squared reconstruction error in standardised units."""

    name = "autoencoder"
    params_type = AutoencoderParams
    params: AutoencoderParams

    def _check_features(self, n_features: int) -> None:
        if self.params.bottleneck >= n_features:
            raise ValueError(
                f"{self.name}: bottleneck={self.params.bottleneck} must be below the "
                f"{n_features} input features, or the network can learn the identity."
            )

    def _build(self, x_train: np.ndarray) -> _Autoencoder:
        return _Autoencoder(x_train, self.params.hidden_sizes, self.params.bottleneck)

    def _event_loss(self, model: _Autoencoder) -> EventLoss:
        return model.reconstruction_error
