"""Small models, scalers, buffers and event tables for the generation tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import torch

from collider_vae.darkmachines.events_table import build_events_table
from collider_vae.features.layout import FeatureLayout
from collider_vae.features.scaler import FeatureScaler
from collider_vae.generation.buffer import DensityBuffer
from collider_vae.models.vae import BetaVAE, VAEConfig

LAYOUT = FeatureLayout(n_slots=3)
# Realistic scales: log(1 + E / GeV) around 4.5, that is E of order 100 GeV.
SCALER = FeatureScaler(
    mean={"log_e": 4.5, "log_pt": 4.0, "eta": 0.0, "phi": 0.0, "log_met": 3.5, "met_phi": 0.0},
    std={"log_e": 0.8, "log_pt": 0.7, "eta": 1.2, "phi": 1.8, "log_met": 0.9, "met_phi": 1.8},
)


def small_model(latent_dim: int = 4, seed: int = 0) -> BetaVAE:
    torch.manual_seed(seed)
    return BetaVAE(VAEConfig(LAYOUT.n_features, latent_dim, (16, 16), residual=True)).eval()


def random_buffer(n: int, latent_dim: int = 4, seed: int = 0, processes: list[str] | None = None) -> DensityBuffer:
    """A buffer whose process IDs default to ``p<row>``, so each generated event names its buffered event."""
    rng = np.random.default_rng(seed)
    process_id = np.array(processes if processes is not None else [f"p{i}" for i in range(n)])
    observables = pd.DataFrame({"met_gev": rng.uniform(0, 600, n), "n_jets": rng.integers(0, 7, n)})
    return DensityBuffer(
        rng.normal(size=(n, latent_dim)).astype(np.float32),
        rng.uniform(0.1, 0.5, size=(n, latent_dim)).astype(np.float32),
        process_id,
        observables,
    )


def events(objects_per_event: list[list[tuple[str, float, float, float, float]]], met_mev: float = 50_000.0) -> pa.Table:
    """Build a table from per-event lists of (code, E_gev, pt_gev, eta, phi)."""
    flat = [obj for objects in objects_per_event for obj in objects]
    n = len(objects_per_event)
    return build_events_table(
        "generated",
        "test",
        header={
            "line_number": np.arange(1, n + 1),
            "event_id": np.arange(n),
            "process_id": pa.array(["ttbar"] * n),
            "weight": np.ones(n),
            "met_mev": np.full(n, met_mev),
            "met_phi": np.zeros(n),
            "energy_recomputed": np.zeros(n, dtype=bool),
        },
        n_objects=np.array([len(objects) for objects in objects_per_event]),
        objects={
            "obj_type": pa.array([obj[0] for obj in flat], pa.string()),
            "obj_e_mev": np.array([obj[1] * 1000 for obj in flat]),
            "obj_pt_mev": np.array([obj[2] * 1000 for obj in flat]),
            "obj_eta": np.array([obj[3] for obj in flat]),
            "obj_phi": np.array([obj[4] for obj in flat]),
        },
    )
