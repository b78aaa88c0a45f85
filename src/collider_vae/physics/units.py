"""Units and kinematic conventions.

DarkMachines files store energies, transverse momenta and missing transverse
energy in MeV, and angles in radians. Inside the project every column and
variable that carries an energy names its unit (``_mev`` or ``_gev``).
"""

from __future__ import annotations

import numpy as np

MEV_PER_GEV = 1000.0


def mev_to_gev(values_mev: np.ndarray | float) -> np.ndarray | float:
    """Convert energies from MeV to GeV."""
    return np.asarray(values_mev) / MEV_PER_GEV if np.ndim(values_mev) else values_mev / MEV_PER_GEV


def gev_to_mev(values_gev: np.ndarray | float) -> np.ndarray | float:
    """Convert energies from GeV to MeV."""
    return np.asarray(values_gev) * MEV_PER_GEV if np.ndim(values_gev) else values_gev * MEV_PER_GEV


def wrap_phi(phi: np.ndarray) -> np.ndarray:
    """Wrap azimuthal angles in radians into the interval (-pi, pi]."""
    wrapped = np.remainder(np.asarray(phi, dtype=np.float64) + np.pi, 2.0 * np.pi) - np.pi
    # remainder maps +pi to -pi; the convention here keeps +pi and excludes -pi.
    return np.where(wrapped <= -np.pi, wrapped + 2.0 * np.pi, wrapped)


def massless_energy(pt: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """Return the energy of a massless object, E = pT cosh(eta), in the unit of ``pt``."""
    return np.asarray(pt) * np.cosh(np.asarray(eta))


def delta_r(eta1: np.ndarray, phi1: np.ndarray, eta2: np.ndarray, phi2: np.ndarray) -> np.ndarray:
    """Return the angular distance sqrt(d_eta^2 + d_phi^2), with d_phi wrapped."""
    d_phi = wrap_phi(np.asarray(phi1) - np.asarray(phi2))
    return np.hypot(np.asarray(eta1) - np.asarray(eta2), d_phi)
