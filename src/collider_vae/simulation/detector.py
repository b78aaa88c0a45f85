"""Parametric detector response modelled on the Delphes ATLAS card.

The coefficients come from the ``simulate_detector`` parameters, and this
module contains the formula shapes. All energies and momenta are in GeV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _eta_bin_index(abs_eta: np.ndarray, eta_edges: Sequence[float]) -> np.ndarray:
    """Return the index of the first bin whose ``eta_max`` is at least ``|eta|``.

    Objects beyond the last edge get ``len(eta_edges)``.
    """
    return np.searchsorted(np.asarray(eta_edges, dtype=np.float64), abs_eta, side="left")


def energy_resolution_gev(
    energy_gev: np.ndarray, eta: np.ndarray, bins: Sequence[Mapping[str, float]]
) -> np.ndarray:
    """Return sigma(E) = sqrt((c E)^2 + s^2 E + n^2) in GeV, per |eta| bin.

    Objects beyond the last bin get a resolution of zero, as in the Delphes
    formulas, whose terms all vanish there.
    """
    energy_gev = np.asarray(energy_gev, dtype=np.float64)
    index = _eta_bin_index(np.abs(eta), [b["eta_max"] for b in bins])
    constant = np.append([b["constant"] for b in bins], 0.0)[index]
    stochastic = np.append([b["stochastic"] for b in bins], 0.0)[index]
    noise = np.append([b["noise"] for b in bins], 0.0)[index]
    return np.sqrt((constant * energy_gev) ** 2 + stochastic**2 * energy_gev + noise**2)


def muon_relative_pt_resolution(
    pt_gev: np.ndarray, eta: np.ndarray, bins: Sequence[Mapping[str, float]]
) -> np.ndarray:
    """Return sigma(pT)/pT = sqrt(c^2 + (k pT)^2) per |eta| bin, zero beyond the last bin."""
    pt_gev = np.asarray(pt_gev, dtype=np.float64)
    index = _eta_bin_index(np.abs(eta), [b["eta_max"] for b in bins])
    constant = np.append([b["constant"] for b in bins], 0.0)[index]
    slope = np.append([b["slope_per_gev"] for b in bins], 0.0)[index]
    return np.sqrt(constant**2 + (slope * pt_gev) ** 2)


def binned_efficiency(pt_gev: np.ndarray, eta: np.ndarray, config: Mapping[str, Any]) -> np.ndarray:
    """Return the efficiency per |eta| bin, zero below ``pt_min_gev`` and beyond the last bin."""
    bins = config["bins"]
    index = _eta_bin_index(np.abs(eta), [b["eta_max"] for b in bins])
    values = np.append([b["value"] for b in bins], 0.0)[index]
    return np.where(np.asarray(pt_gev) > config["pt_min_gev"], values, 0.0)


def btag_efficiency(pt_gev: np.ndarray, flavour: np.ndarray, config: Mapping[str, Any]) -> np.ndarray:
    """Return the b-tag probability of jets by flavour (5 b, 4 c, anything else light).

    The shapes are those of the Delphes ATLAS card's BTagging module:
    b and c use ``scale * tanh(tanh_slope * pT) * numerator / (1 + denominator_slope * pT)``
    and light jets ``constant + slope * pT``.
    """
    pt_gev = np.asarray(pt_gev, dtype=np.float64)

    def _heavy(coefficients: Mapping[str, float]) -> np.ndarray:
        return (
            coefficients["scale"]
            * np.tanh(coefficients["tanh_slope"] * pt_gev)
            * coefficients["numerator"]
            / (1.0 + coefficients["denominator_slope"] * pt_gev)
        )

    light = config["light"]["constant"] + config["light"]["slope_per_gev"] * pt_gev
    efficiency = np.where(flavour == 5, _heavy(config["b"]), np.where(flavour == 4, _heavy(config["c"]), light))
    return np.clip(efficiency, 0.0, 1.0)


def smear_energy(
    energy_gev: np.ndarray, eta: np.ndarray, bins: Sequence[Mapping[str, float]], rng: np.random.Generator
) -> np.ndarray:
    """Return energies smeared by a Gaussian of width ``energy_resolution_gev``, floored at zero.

    Like Delphes' EnergySmearing, a draw below zero gives zero energy.
    """
    sigma = energy_resolution_gev(energy_gev, eta, bins)
    return np.maximum(energy_gev + sigma * rng.standard_normal(np.shape(energy_gev)), 0.0)


def smear_muon_pt(
    pt_gev: np.ndarray, eta: np.ndarray, bins: Sequence[Mapping[str, float]], rng: np.random.Generator
) -> np.ndarray:
    """Return muon transverse momenta smeared by ``muon_relative_pt_resolution``, floored at zero."""
    sigma = muon_relative_pt_resolution(pt_gev, eta, bins) * pt_gev
    return np.maximum(pt_gev + sigma * rng.standard_normal(np.shape(pt_gev)), 0.0)


def pass_with_probability(probability: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return a boolean mask that is true with the given probability per entry."""
    probability = np.asarray(probability, dtype=np.float64)
    return rng.random(probability.shape) < probability
