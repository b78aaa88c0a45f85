"""Batched inference with a trained beta-VAE."""

from __future__ import annotations

import numpy as np
import torch

from collider_vae.features.layout import FeatureLayout
from collider_vae.models.loss import SlotLoss
from collider_vae.models.vae import BetaVAE, best_device


def _rows_to_device(rows: np.ndarray, device: torch.device) -> torch.Tensor:
    """Copy rows to ``device`` as float32; copying also accepts read-only arrays, such as Parquet columns."""
    return torch.tensor(rows, dtype=torch.float32, device=device)


def encode(model: BetaVAE, x: np.ndarray, batch_size: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Return mu and log sigma^2 of every event, each of shape (n_events, latent_dim)."""
    device = best_device()
    model = model.to(device).eval()
    mus, logvars = [], []
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            batch = _rows_to_device(x[start : start + batch_size], device)
            mu, logvar = model.encode(batch)
            mus.append(mu.cpu().numpy())
            logvars.append(logvar.cpu().numpy())
    latent = model.config.latent_dim
    empty = np.empty((0, latent), dtype=np.float32)
    return (np.concatenate(mus) if mus else empty), (np.concatenate(logvars) if logvars else empty)


def vae_scores(model: BetaVAE, x: np.ndarray, layout: FeatureLayout, batch_size: int = 8192) -> dict[str, np.ndarray]:
    """Return per-event reconstruction loss, KL divergence and latent radius |mu|.

    The reconstruction decodes mu itself, so the scores are deterministic.
    """
    device = best_device()
    model = model.to(device).eval()
    loss = SlotLoss(layout, device)
    parts: dict[str, list[np.ndarray]] = {"reconstruction": [], "kl": [], "radius": []}
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            batch = _rows_to_device(x[start : start + batch_size], device)
            mu, logvar = model.encode(batch)
            parts["reconstruction"].append(loss.reconstruction(model.decode(mu), batch).cpu().numpy())
            parts["kl"].append(SlotLoss.kl(mu, logvar).cpu().numpy())
            parts["radius"].append(mu.norm(dim=1).cpu().numpy())
    return {name: np.concatenate(values) if values else np.empty(0) for name, values in parts.items()}
