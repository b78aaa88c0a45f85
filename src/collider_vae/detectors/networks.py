"""Multilayer perceptrons used by the torch detectors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import torch
from torch import nn


def build_mlp(sizes: Sequence[int], bias: bool = True, negative_slope: float | None = None) -> nn.Sequential:
    """Build linear layers of the given sizes with an activation between them.

    Args:
        sizes: Layer widths from input to output, at least two entries.
        bias: Whether the linear layers have bias terms.
        negative_slope: Slope of a LeakyReLU activation, or ``None`` for ELU.

    Returns:
        The network, with no activation after the last layer.
    """
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"An MLP needs at least two positive layer sizes, got {list(sizes)}.")
    layers: list[nn.Module] = []
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out, bias=bias))
        if index < len(sizes) - 2:
            layers.append(nn.ELU() if negative_slope is None else nn.LeakyReLU(negative_slope))
    return nn.Sequential(*layers)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed the CPU random state inside the block and restore the previous state afterwards."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
