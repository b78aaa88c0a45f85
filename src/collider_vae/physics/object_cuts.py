"""Object selection of the DarkMachines samples, in GeV.

Objects kept in the public files (arXiv:2105.14027, section 2): jets and
b-jets with pT > 20 and |eta| < 2.8; electrons and muons with pT > 15 and
|eta| < 2.7; photons with pT > 20 and |eta| < 2.37.

NOTE: some public skims hold objects outside these cuts (the three-lepton
skim has leptons and photons near 10 GeV and jets beyond |eta| = 2.8), so
compare a generated sample's pass rate with that of its Monte Carlo sample.
"""

from __future__ import annotations

import numpy as np

from collider_vae.physics.objects import JET_TYPES, LEPTON_TYPES, OBJECT_TYPES, PHOTON_TYPES

# (minimum pT in GeV, maximum |eta|) per object group.
OBJECT_CUTS: dict[frozenset[str], tuple[float, float]] = {
    JET_TYPES: (20.0, 2.8),
    LEPTON_TYPES: (15.0, 2.7),
    PHOTON_TYPES: (20.0, 2.37),
}


def _cut_by_type_index() -> tuple[np.ndarray, np.ndarray]:
    min_pt = np.zeros(len(OBJECT_TYPES))
    max_eta = np.full(len(OBJECT_TYPES), np.inf)
    for types, (pt_cut, eta_cut) in OBJECT_CUTS.items():
        for index, code in enumerate(OBJECT_TYPES):
            if code in types:
                min_pt[index], max_eta[index] = pt_cut, eta_cut
    return min_pt, max_eta


MIN_PT_GEV, MAX_ABS_ETA = _cut_by_type_index()


def passes_object_cuts(type_index: np.ndarray, pt_gev: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """Flag objects that pass the selection of their type; ``type_index`` indexes ``OBJECT_TYPES``."""
    type_index = np.asarray(type_index)
    return (np.asarray(pt_gev) > MIN_PT_GEV[type_index]) & (np.abs(eta) < MAX_ABS_ETA[type_index])
