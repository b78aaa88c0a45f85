"""Beta-VAE with MLP encoder and decoder, optionally with residual blocks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn


@dataclass(frozen=True)
class VAEConfig:
    """Architecture of a :class:`BetaVAE`.

    Attributes:
        input_dim: Length of the feature vector.
        latent_dim: Size of the latent space.
        hidden_sizes: Widths of the encoder layers; the decoder mirrors them.
        residual: Add the input of each equal-width hidden layer to its output.
    """

    input_dim: int
    latent_dim: int = 13
    hidden_sizes: tuple[int, ...] = field(default=(512, 256, 128))
    residual: bool = False

    def to_dict(self) -> dict:
        """Return a dictionary of plain types, safe for ``torch.load(weights_only=True)``."""
        data = asdict(self)
        data["hidden_sizes"] = list(self.hidden_sizes)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> VAEConfig:
        """Rebuild a config saved with :meth:`to_dict`."""
        return cls(**{**data, "hidden_sizes": tuple(data["hidden_sizes"])})


class _Block(nn.Module):
    """Linear layer with ELU, plus a skip connection when widths match and ``residual`` is set."""

    def __init__(self, n_in: int, n_out: int, residual: bool) -> None:
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        self.activation = nn.ELU()
        self.skip = residual and n_in == n_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.activation(self.linear(x))
        return out + x if self.skip else out


def _mlp(sizes: list[int], residual: bool) -> nn.Sequential:
    return nn.Sequential(*[_Block(a, b, residual) for a, b in zip(sizes[:-1], sizes[1:])])


class BetaVAE(nn.Module):
    """Gaussian VAE: the encoder returns mu and log sigma^2, the decoder returns raw outputs.

    The decoder's outputs follow the feature layout: the loss reads logits
    for existence and type columns and values for the others.
    """

    def __init__(self, config: VAEConfig) -> None:
        super().__init__()
        self.config = config
        hidden = list(config.hidden_sizes)
        self.encoder = _mlp([config.input_dim, *hidden], config.residual)
        self.mu = nn.Linear(hidden[-1], config.latent_dim)
        self.logvar = nn.Linear(hidden[-1], config.latent_dim)
        self.decoder = _mlp([config.latent_dim, *hidden[::-1]], config.residual)
        self.output = nn.Linear(hidden[0], config.input_dim)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return mu and log sigma^2 of q(z|x)."""
        hidden = self.encoder(x)
        return self.mu(hidden), self.logvar(hidden)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Return the decoder's raw outputs for latent points ``z``."""
        return self.output(self.decoder(z))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Encode, sample z with the reparameterisation trick, decode."""
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar


def best_device() -> torch.device:
    """Return CUDA when it exists, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
