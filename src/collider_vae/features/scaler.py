"""Standard scaling of the kinematic features, fit on background training events.

Energies and momenta enter as log(1 + x / GeV), which keeps zero valid and
compresses the steeply falling spectra. Each quantity is then shifted by its
mean and divided by its standard deviation, computed over existing objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from collider_vae.features.slots import Slots
from collider_vae.physics.units import MEV_PER_GEV

QUANTITIES = ("log_e", "log_pt", "eta", "phi", "log_met", "met_phi")


def log_energy(values_mev: np.ndarray) -> np.ndarray:
    """Return log(1 + E / GeV) for energies in MeV."""
    return np.log1p(np.asarray(values_mev) / MEV_PER_GEV)


def inverse_log_energy(values: np.ndarray) -> np.ndarray:
    """Return energies in MeV from log(1 + E / GeV)."""
    return np.expm1(np.asarray(values)) * MEV_PER_GEV


def raw_quantities(slots: Slots, met_mev: np.ndarray, met_phi: np.ndarray) -> dict[str, np.ndarray]:
    """Return the unscaled quantities: per slot for objects, per event for MET."""
    return {
        "log_e": log_energy(slots.e_mev),
        "log_pt": log_energy(slots.pt_mev),
        "eta": slots.eta,
        "phi": slots.phi,
        "log_met": log_energy(met_mev),
        "met_phi": np.asarray(met_phi, dtype=np.float64),
    }


@dataclass(frozen=True)
class FeatureScaler:
    """Mean and standard deviation of each quantity in :data:`QUANTITIES`."""

    mean: dict[str, float]
    std: dict[str, float]

    @classmethod
    def fit(cls, slots: Slots, met_mev: np.ndarray, met_phi: np.ndarray) -> FeatureScaler:
        """Fit on existing objects and on all events' MET.

        Raises:
            ValueError: If there are no events or no objects to fit on.
        """
        if len(met_mev) == 0 or not slots.exists.any():
            raise ValueError("Cannot fit the feature scaler: no background training events with objects")
        raw = raw_quantities(slots, met_mev, met_phi)
        mean, std = {}, {}
        for name, values in raw.items():
            selected = values[slots.exists] if values.ndim == 2 else values
            mean[name] = float(selected.mean())
            # A constant quantity keeps unit scale instead of dividing by zero.
            std[name] = float(selected.std()) or 1.0
        return cls(mean, std)

    def transform(self, name: str, values: np.ndarray) -> np.ndarray:
        """Scale raw values of one quantity."""
        return (values - self.mean[name]) / self.std[name]

    def inverse(self, name: str, values: np.ndarray) -> np.ndarray:
        """Undo :meth:`transform` for one quantity."""
        return np.asarray(values) * self.std[name] + self.mean[name]

    def to_dict(self) -> dict[str, dict[str, float]]:
        """Return a JSON-ready dictionary."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, float]]) -> FeatureScaler:
        """Rebuild a scaler saved with :meth:`to_dict`."""
        return cls(mean=dict(data["mean"]), std=dict(data["std"]))
