"""Physics checks on small samples of a few hundred events."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from collider_vae.physics.objects import LEPTON_TYPES, TYPE_INDEX
from collider_vae.simulation import detector
from collider_vae.simulation.generator import _start_pythia, generate_process
from collider_vae.simulation.objects import reconstruct_batch
from collider_vae.simulation.particles import particle_table_from_batch
from collider_vae.simulation.processes import process_specs_from_parameters

from .conftest import read_events

Z_MASS_GEV = 91.1876
N_EVENTS = 300


def _spec(simulate_parameters, name, **changes):
    specs = {spec.name: spec for spec in process_specs_from_parameters(simulate_parameters["processes"])}
    return dataclasses.replace(specs[name], n_events=N_EVENTS, **changes)


@pytest.fixture(scope="module")
def generate(tmp_path_factory, detector_config):
    """Generate a spec into a fresh folder and return its parsed events."""

    def _generate(spec):
        output_dir = tmp_path_factory.mktemp(spec.name)
        result = generate_process(spec, detector_config, 10.0, output_dir, chunk_size=150)
        return result, read_events(result.path)

    return _generate


def test_z_to_leptons_mass_peak(generate, simulate_parameters):
    # Electrons and muons only, so that every event can give a pair.
    base = _spec(simulate_parameters, "z_ll_jets")
    settings = tuple("23:onIfAny = 11 13" if s.startswith("23:onIfAny") else s for s in base.pythia_settings)
    _, events = generate(dataclasses.replace(base, pythia_settings=settings))

    masses = []
    for event in events:
        leptons = [obj for obj in event.objects if obj[0] in LEPTON_TYPES]
        if len(leptons) != 2 or leptons[0][0][0] != leptons[1][0][0] or leptons[0][0] == leptons[1][0]:
            continue
        (_, _, pt1, eta1, phi1), (_, _, pt2, eta2, phi2) = leptons
        mass_squared_mev2 = 2.0 * pt1 * pt2 * (np.cosh(eta1 - eta2) - np.cos(phi1 - phi2))
        masses.append(np.sqrt(mass_squared_mev2) / 1000.0)

    masses = np.array(masses)
    assert len(masses) >= 100
    # Lepton resolution is about 1 % and the Z width 2.5 GeV; final-state
    # radiation pulls the median down by about 1 GeV.
    assert np.median(masses) == pytest.approx(Z_MASS_GEV, abs=2.5)
    core = masses[np.abs(masses - Z_MASS_GEV) < 15.0]
    assert len(core) / len(masses) > 0.85
    assert np.percentile(core, 84) - np.percentile(core, 16) < 8.0


def test_ttbar_mostly_btagged(generate, simulate_parameters):
    _, events = generate(_spec(simulate_parameters, "ttbar"))
    with_b = np.mean([any(obj[0] == "b" for obj in event.objects) for event in events])
    # Two b jets at about 70 % tag efficiency each give about 0.9 before acceptance.
    assert with_b > 0.65


def test_z_to_neutrinos_met_balances_jets(generate, simulate_parameters):
    _, events = generate(_spec(simulate_parameters, "z_nunu_jets"))
    ratios = []
    cosines = []
    for event in events:
        jets = [obj for obj in event.objects if obj[0] in ("j", "b")]
        px = sum(pt * np.cos(phi) for _, _, pt, _, phi in jets)
        py = sum(pt * np.sin(phi) for _, _, pt, _, phi in jets)
        recoil = np.hypot(px, py)
        if recoil == 0.0:
            continue
        ratios.append(event.met_mev / recoil)
        cosines.append(np.cos(event.met_phi - np.arctan2(-py, -px)))
    assert len(ratios) > 0.8 * len(events)
    assert np.median(ratios) == pytest.approx(1.0, abs=0.15)
    assert np.median(cosines) > 0.95
    assert min(event.met_mev for event in events) > 0.0


def test_wprime_three_leptons_at_expected_rate(simulate_parameters, detector_config):
    spec = _spec(simulate_parameters, "wprime_wz_2000")
    pythia = _start_pythia(spec, None)
    table = particle_table_from_batch(pythia.nextBatch(N_EVENTS))
    reconstructed = reconstruct_batch(table, detector_config, np.random.default_rng(spec.seed))

    lepton_indices = [TYPE_INDEX[code] for code in LEPTON_TYPES]
    is_lepton = np.isin(reconstructed.object_type, lepton_indices)
    n_leptons = np.bincount(reconstructed.object_event[is_lepton], minlength=N_EVENTS)
    observed = np.mean(n_leptons >= 3)

    # Expected: the probability that the three leading generator-level
    # leptons that are inside the acceptance and isolated are all
    # identified, from the efficiencies. Isolation is recomputed here per
    # lepton, summing visible particles other than e and mu, as the card does.
    abs_id = np.abs(table.pdg_id)
    invisible = np.isin(abs_id, detector_config["invisible_pdg_ids"])
    isolation_input = table.is_final & ~invisible & (abs_id != 11) & (abs_id != 13)
    expected_per_event = np.zeros(N_EVENTS)
    for event in range(N_EVENTS):
        in_event = table.event == event
        others = np.flatnonzero(in_event & isolation_input)
        candidates = []
        for pdg_id, kind, acceptance in ((11, "electrons", "electron"), (13, "muons", "muon")):
            cut = detector_config["objects"][acceptance]
            isolation = detector_config[kind]["isolation"]
            rows = np.flatnonzero(
                in_event
                & table.is_final
                & (abs_id == pdg_id)
                & (table.pt_gev > cut["pt_min_gev"])
                & (np.abs(table.eta) < cut["eta_max"])
            )
            for row in rows:
                d_phi = np.angle(np.exp(1j * (table.phi[others] - table.phi[row])))
                distance = np.hypot(table.eta[others] - table.eta[row], d_phi)
                near = (distance < isolation["delta_r_max"]) & (table.pt_gev[others] > isolation["pt_min_gev"])
                if table.pt_gev[others][near].sum() >= isolation["pt_ratio_max"] * table.pt_gev[row]:
                    continue
                efficiency = detector.binned_efficiency(
                    table.pt_gev[row : row + 1], table.eta[row : row + 1], detector_config[kind]["efficiency"]
                )[0]
                candidates.append((table.pt_gev[row], efficiency))
        if len(candidates) >= 3:
            leading = sorted(candidates, reverse=True)[:3]
            expected_per_event[event] = np.prod([efficiency for _, efficiency in leading])
    expected = expected_per_event.mean()

    # Smearing moves a few leptons across the pT and isolation thresholds.
    tolerance = 4.0 * np.sqrt(expected * (1.0 - expected) / N_EVENTS) + 0.03
    assert expected > 0.5
    assert observed == pytest.approx(expected, abs=tolerance)
