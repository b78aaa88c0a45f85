"""Reconstructed objects from a Pythia event batch: jets, leptons, photons and MET.

The chain follows the Delphes ATLAS card at particle level. Electrons,
muons and photons are smeared and must pass an efficiency and an isolation
test. Jets are anti-kT clusters of the remaining visible particles, then
smeared and b-tagged. MET is the transverse momentum of the invisible
particles. Numbers come from the ``simulate_detector`` parameters, in GeV.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import awkward as ak
import fastjet
import numpy as np

from collider_vae.physics.objects import TYPE_INDEX
from collider_vae.simulation import detector
from collider_vae.simulation.particles import (
    ParticleTable,
    hadron_flavour_digit,
    pair_delta_r,
    pseudorapidity,
    same_event_pairs,
)

logger = logging.getLogger(__name__)

ELECTRON_PDG_ID = 11
MUON_PDG_ID = 13
PHOTON_PDG_ID = 22
MUON_MASS_GEV = 0.1056583755


@dataclass(frozen=True)
class ReconstructedBatch:
    """Objects and event quantities of one batch; objects are sorted by event, then by falling pT."""

    n_events: int
    object_event: np.ndarray
    object_type: np.ndarray  # index into collider_vae.physics.objects.OBJECT_TYPES
    object_e_gev: np.ndarray
    object_pt_gev: np.ndarray
    object_eta: np.ndarray
    object_phi: np.ndarray
    met_gev: np.ndarray
    met_phi: np.ndarray
    ht_gev: np.ndarray  # scalar sum of jet pT over the stored jets
    passes_selection: np.ndarray


@dataclass(frozen=True)
class _Objects:
    """Flat arrays of one kind of object, before the final merge and sort."""

    event: np.ndarray
    type_index: np.ndarray
    e_gev: np.ndarray
    pt_gev: np.ndarray
    eta: np.ndarray
    phi: np.ndarray

    def select(self, mask: np.ndarray) -> _Objects:
        return _Objects(*(values[mask] for values in vars(self).values()))


def _isolation_ratio(
    table: ParticleTable,
    candidate_rows: np.ndarray,
    candidate_pt_gev: np.ndarray,
    isolation_rows: np.ndarray,
    config: Mapping[str, float],
) -> np.ndarray:
    """Return sum pT of isolation particles within ``delta_r_max`` over the candidate pT.

    The candidate's own row is left out of the sum.
    """
    pt = table.pt_gev
    eta = table.eta
    phi = table.phi
    usable = isolation_rows[pt[isolation_rows] > config["pt_min_gev"]]
    ia, ib = same_event_pairs(table.event[candidate_rows], table.event[usable], table.n_events)
    rows_a = candidate_rows[ia]
    rows_b = usable[ib]
    inside = (pair_delta_r(eta, phi, eta, phi, rows_a, rows_b) < config["delta_r_max"]) & (rows_a != rows_b)
    pt_sum = np.bincount(ia[inside], weights=pt[rows_b[inside]], minlength=len(candidate_rows))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(candidate_pt_gev > 0.0, pt_sum / candidate_pt_gev, np.inf)


def _charged_type(pdg_id: np.ndarray, negative_code: str, positive_code: str) -> np.ndarray:
    """Return object type indices for leptons: positive PDG codes are the negative charges."""
    return np.where(pdg_id > 0, TYPE_INDEX[negative_code], TYPE_INDEX[positive_code])


def _reconstruct_isolated(
    table: ParticleTable,
    pdg_id: int,
    config: Mapping[str, Any],
    acceptance: Mapping[str, float],
    isolation_rows: np.ndarray,
    calorimeter_eta_max: float,
    rng: np.random.Generator,
) -> tuple[_Objects, np.ndarray]:
    """Smear, apply the efficiency and isolation to final-state particles of one PDG id.

    Returns:
        The objects inside the acceptance, and the table rows of every
        candidate that passed efficiency and isolation, inside the
        acceptance or not, so that jet clustering can leave them out.
    """
    abs_id = np.abs(table.pdg_id)
    truth_pt = table.pt_gev
    # Near the thresholds smearing moves an object by a few per cent, so
    # candidates below half the threshold cannot pass and are skipped.
    rows = np.flatnonzero(
        table.is_final
        & (abs_id == pdg_id)
        & (truth_pt > 0.5 * acceptance["pt_min_gev"])
        & (np.abs(table.eta) < calorimeter_eta_max)
    )
    eta = table.eta[rows]
    phi = table.phi[rows]

    if pdg_id == MUON_PDG_ID:
        pt = detector.smear_muon_pt(truth_pt[rows], eta, config["pt_resolution"], rng)
        energy = np.sqrt((pt * np.cosh(eta)) ** 2 + MUON_MASS_GEV**2)
        type_index = _charged_type(table.pdg_id[rows], "m-", "m+")
    else:
        energy = detector.smear_energy(table.e_gev[rows], eta, config["energy_resolution"], rng)
        pt = energy / np.cosh(eta)
        if pdg_id == ELECTRON_PDG_ID:
            type_index = _charged_type(table.pdg_id[rows], "e-", "e+")
        else:
            type_index = np.full(len(rows), TYPE_INDEX["g"])

    efficient = detector.pass_with_probability(detector.binned_efficiency(pt, eta, config["efficiency"]), rng)
    isolated = _isolation_ratio(table, rows, pt, isolation_rows, config["isolation"]) < config["isolation"]["pt_ratio_max"]
    identified = efficient & isolated
    accepted = identified & (pt > acceptance["pt_min_gev"]) & (np.abs(eta) < acceptance["eta_max"])

    objects = _Objects(table.event[rows], type_index, energy, pt, eta, phi).select(accepted)
    return objects, rows[identified]


def _cluster_jets(
    table: ParticleTable, input_rows: np.ndarray, radius: float, pt_min_gev: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cluster anti-kT jets per event with FastJet.

    Returns:
        Flat arrays ``(event, px, py, pz, e)`` of the jets, in GeV.
    """
    counts = np.bincount(table.event[input_rows], minlength=table.n_events)
    inputs = ak.unflatten(
        ak.zip(
            {
                "px": table.px_gev[input_rows],
                "py": table.py_gev[input_rows],
                "pz": table.pz_gev[input_rows],
                "E": table.e_gev[input_rows],
            }
        ),
        counts,
    )
    definition = fastjet.JetDefinition(fastjet.antikt_algorithm, radius)
    jets = fastjet.ClusterSequence(inputs, definition).inclusive_jets(min_pt=pt_min_gev)
    jet_counts = ak.to_numpy(ak.num(jets, axis=1))
    flat = ak.flatten(jets, axis=1)
    event = np.repeat(np.arange(table.n_events, dtype=np.int64), jet_counts)
    return (
        event,
        ak.to_numpy(flat["px"]).astype(np.float64),
        ak.to_numpy(flat["py"]).astype(np.float64),
        ak.to_numpy(flat["pz"]).astype(np.float64),
        ak.to_numpy(flat["E"]).astype(np.float64),
    )


def _jet_flavour(
    table: ParticleTable, jet_event: np.ndarray, jet_eta: np.ndarray, jet_phi: np.ndarray, config: Mapping[str, float]
) -> np.ndarray:
    """Return 5 for jets with a B hadron within ``delta_r_max``, else 4 with a charm hadron, else 0."""
    flavour = np.zeros(len(jet_event), dtype=np.int64)
    hadron_ok = table.pt_gev > config["hadron_pt_min_gev"]
    # Charm first, so that a B hadron overrides it.
    for quark in (4, 5):
        rows = np.flatnonzero(hadron_ok & hadron_flavour_digit(table.pdg_id, quark))
        ia, ib = same_event_pairs(jet_event, table.event[rows], table.n_events)
        close = pair_delta_r(jet_eta, jet_phi, table.eta[rows], table.phi[rows], ia, ib) < config["delta_r_max"]
        flavour[np.unique(ia[close])] = quark
    return flavour


def _reconstruct_jets(
    table: ParticleTable,
    input_rows: np.ndarray,
    config: Mapping[str, Any],
    btag_config: Mapping[str, Any],
    acceptance: Mapping[str, float],
    rng: np.random.Generator,
) -> _Objects:
    """Cluster, smear and b-tag jets and keep those inside the acceptance."""
    event, px, py, pz, energy = _cluster_jets(table, input_rows, config["radius"], config["cluster_pt_min_gev"])
    pt = np.hypot(px, py)
    eta = pseudorapidity(pt, pz)
    phi = np.arctan2(py, px)

    smeared_energy = detector.smear_energy(energy, eta, config["energy_resolution"], rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(energy > 0.0, smeared_energy / energy, 0.0)
    pt = pt * scale

    flavour = _jet_flavour(table, event, eta, phi, btag_config)
    tag_probability = detector.btag_efficiency(pt, flavour, btag_config)
    tag_probability = np.where(np.abs(eta) <= btag_config["eta_max"], tag_probability, 0.0)
    tagged = detector.pass_with_probability(tag_probability, rng)
    type_index = np.where(tagged, TYPE_INDEX["b"], TYPE_INDEX["j"])

    jets = _Objects(event, type_index, smeared_energy, pt, eta, phi)
    return jets.select((pt > acceptance["pt_min_gev"]) & (np.abs(eta) < acceptance["eta_max"]))


def reconstruct_batch(
    table: ParticleTable, detector_config: Mapping[str, Any], rng: np.random.Generator
) -> ReconstructedBatch:
    """Build the DarkMachines objects, MET and the storage selection of a batch.

    Args:
        table: Particles of the batch, from ``particle_table_from_batch``.
        detector_config: The ``simulate_detector`` parameters.
        rng: Random generator for smearing, efficiencies and b-tagging.
            Draws happen in a fixed order, so a seeded generator gives
            identical output.

    Returns:
        The reconstructed objects and event quantities.
    """
    abs_id = np.abs(table.pdg_id)
    eta_max = detector_config["calorimeter_eta_max"]
    invisible = np.isin(abs_id, detector_config["invisible_pdg_ids"])
    visible_final = table.is_final & ~invisible & (np.abs(table.eta) < eta_max)
    acceptance = detector_config["objects"]

    # Delphes' EFlowFilter leaves electrons and muons out of the isolation sums.
    isolation_rows = np.flatnonzero(visible_final & (abs_id != ELECTRON_PDG_ID) & (abs_id != MUON_PDG_ID))

    reconstructed = {}
    identified_rows = []
    for name, pdg_id, acceptance_key in (
        ("electrons", ELECTRON_PDG_ID, "electron"),
        ("muons", MUON_PDG_ID, "muon"),
        ("photons", PHOTON_PDG_ID, "photon"),
    ):
        objects, rows = _reconstruct_isolated(
            table, pdg_id, detector_config[name], acceptance[acceptance_key], isolation_rows, eta_max, rng
        )
        reconstructed[name] = objects
        identified_rows.append(rows)

    # Muons leave no energy in the calorimeters, and identified electrons and
    # photons are removed before clustering.
    # NOTE: Delphes instead drops a whole jet that shares a tower with an
    # identified electron or photon. Here the rest of such a jet stays.
    jet_input = visible_final & (abs_id != MUON_PDG_ID)
    removed = np.concatenate([identified_rows[0], identified_rows[2]])
    jet_input[removed] = False
    jets = _reconstruct_jets(
        table,
        np.flatnonzero(jet_input),
        detector_config["jets"],
        detector_config["btag"],
        acceptance["jet"],
        rng,
    )

    parts = [jets, reconstructed["electrons"], reconstructed["muons"], reconstructed["photons"]]
    merged = _Objects(*(np.concatenate(values) for values in zip(*(vars(part).values() for part in parts))))
    order = np.lexsort((-merged.pt_gev, merged.event))
    merged = merged.select(order)

    invisible_final = table.is_final & invisible
    met_px = np.bincount(table.event[invisible_final], weights=table.px_gev[invisible_final], minlength=table.n_events)
    met_py = np.bincount(table.event[invisible_final], weights=table.py_gev[invisible_final], minlength=table.n_events)

    ht = np.bincount(jets.event, weights=jets.pt_gev, minlength=table.n_events)
    selection = detector_config["selection"]
    is_lepton_or_photon = ~np.isin(merged.type_index, [TYPE_INDEX["j"], TYPE_INDEX["b"]])
    threshold = np.where(is_lepton_or_photon, selection["lepton_photon_pt_min_gev"], selection["jet_pt_min_gev"])
    triggering = merged.pt_gev > threshold
    passes = np.bincount(merged.event[triggering], minlength=table.n_events) > 0

    return ReconstructedBatch(
        n_events=table.n_events,
        object_event=merged.event,
        object_type=merged.type_index,
        object_e_gev=merged.e_gev,
        object_pt_gev=merged.pt_gev,
        object_eta=merged.eta,
        object_phi=merged.phi,
        met_gev=np.hypot(met_px, met_py),
        met_phi=np.arctan2(met_py, met_px),
        ht_gev=ht,
        passes_selection=passes,
    )
