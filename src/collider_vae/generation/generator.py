"""Batched event generation: latent points in, physical events out."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Protocol

import numpy as np
import torch
from tqdm.auto import tqdm

from collider_vae.features.layout import FeatureLayout
from collider_vae.features.scaler import FeatureScaler
from collider_vae.generation.buffer import LatentBatch
from collider_vae.generation.decode import DecodedBatch, decode_batch
from collider_vae.models.vae import BetaVAE, best_device

logger = logging.getLogger(__name__)


class LatentSampler(Protocol):
    """Anything that yields latent points and process IDs in batches."""

    def batches(self, n_events: int, batch_size: int) -> Iterator[LatentBatch]: ...


def decode_latents(model: BetaVAE, z: np.ndarray, device: torch.device, dtype: torch.dtype = torch.float32) -> np.ndarray:
    """Run the decoder on latent points and return its raw outputs as float32.

    The model must already be on ``device`` in ``dtype``.
    """
    with torch.inference_mode():
        return model.decode(torch.from_numpy(z).to(device, dtype)).float().cpu().numpy()


def generate_batches(
    model: BetaVAE,
    sampler: LatentSampler,
    n_events: int,
    scaler: FeatureScaler,
    layout: FeatureLayout,
    existence_threshold: float = 0.5,
    batch_size: int = 65_536,
    progress: bool = True,
    decode_dtype: str = "float32",
) -> Iterator[DecodedBatch]:
    """Generate ``n_events`` events in batches, decoding on CUDA where it exists.

    ``decode_dtype`` ``bfloat16`` runs the decoder faster on hardware with
    bfloat16 support, but rounds its outputs to about 3 significant digits.

    Raises:
        ValueError: If the model's output does not match the layout.
    """
    if model.config.input_dim != layout.n_features:
        raise ValueError(
            f"The model outputs {model.config.input_dim} features but a layout of {layout.n_slots} slots "
            f"has {layout.n_features}; use the n_slots the model was trained with"
        )
    device = best_device()
    dtype = getattr(torch, decode_dtype)
    model = model.to(device, dtype).eval()
    # Only the time spent here counts, not the time the caller takes with each batch.
    seconds = 0.0
    produced = 0
    with tqdm(total=n_events, unit="event", unit_scale=True, desc="generate", disable=not progress) as bar:
        start = time.perf_counter()
        for z, process_id in sampler.batches(n_events, batch_size):
            outputs = decode_latents(model, z, device, dtype)
            batch = decode_batch(outputs, process_id, scaler, layout, existence_threshold, first_event_id=produced)
            seconds += time.perf_counter() - start
            yield batch
            start = time.perf_counter()
            produced += len(z)
            bar.update(len(z))
        seconds += time.perf_counter() - start
    logger.info(
        "Generated %d events on %s in %.2f s of generation (%.0f events/s)",
        produced, device, seconds, produced / max(seconds, 1e-9),
    )
