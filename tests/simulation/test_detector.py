"""Detector formulas against values computed by hand from the Delphes ATLAS card."""

from __future__ import annotations

import math

import numpy as np
import pytest

from collider_vae.simulation import detector


def test_jet_resolution_barrel_matches_card(detector_config):
    bins = detector_config["jets"]["energy_resolution"]
    sigma = detector.energy_resolution_gev(np.array([100.0]), np.array([0.5]), bins)
    expected = math.sqrt((0.0302 * 100.0) ** 2 + 0.5205**2 * 100.0 + 1.59**2)
    assert sigma[0] == pytest.approx(expected)


def test_jet_resolution_endcap_uses_second_bin(detector_config):
    bins = detector_config["jets"]["energy_resolution"]
    sigma = detector.energy_resolution_gev(np.array([100.0]), np.array([-2.0]), bins)
    assert sigma[0] == pytest.approx(math.sqrt((0.05 * 100.0) ** 2 + 0.706**2 * 100.0))


def test_electron_resolution_matches_card(detector_config):
    bins = detector_config["electrons"]["energy_resolution"]
    sigma = detector.energy_resolution_gev(np.array([50.0]), np.array([1.0]), bins)
    assert sigma[0] == pytest.approx(math.sqrt((0.0017 * 50.0) ** 2 + 0.101**2 * 50.0))


def test_resolution_zero_beyond_coverage(detector_config):
    bins = detector_config["jets"]["energy_resolution"]
    assert detector.energy_resolution_gev(np.array([100.0]), np.array([5.5]), bins)[0] == 0.0


def test_muon_resolution_worsens_with_eta(detector_config):
    bins = detector_config["muons"]["pt_resolution"]
    pt = np.full(3, 100.0)
    relative = detector.muon_relative_pt_resolution(pt, np.array([0.3, 1.0, 2.0]), bins)
    assert relative[0] == pytest.approx(math.sqrt(0.01**2 + (1.0e-4 * 100.0) ** 2))
    assert relative[0] < relative[1] < relative[2]


@pytest.mark.parametrize(
    ("kind", "pt", "eta", "expected"),
    [
        ("electrons", 30.0, 0.5, 0.95),
        ("electrons", 30.0, 2.0, 0.83),
        ("electrons", 30.0, 2.6, 0.0),
        ("electrons", 8.0, 0.5, 0.0),
        ("photons", 30.0, 2.0, 0.85),
        ("muons", 30.0, 2.6, 0.85),
    ],
)
def test_binned_efficiency_values(detector_config, kind, pt, eta, expected):
    efficiency = detector.binned_efficiency(np.array([pt]), np.array([eta]), detector_config[kind]["efficiency"])
    assert efficiency[0] == pytest.approx(expected)


def test_btag_efficiency_by_flavour(detector_config):
    pt = np.full(3, 100.0)
    efficiency = detector.btag_efficiency(pt, np.array([5, 4, 0]), detector_config["btag"])
    assert efficiency[0] == pytest.approx(0.80 * math.tanh(0.3) * 30.0 / (1.0 + 8.6))
    assert efficiency[1] == pytest.approx(0.20 * math.tanh(2.0) / (1.0 + 0.34))
    assert efficiency[2] == pytest.approx(0.002 + 7.3e-6 * 100.0)


def test_smearing_width_matches_resolution(detector_config):
    bins = detector_config["jets"]["energy_resolution"]
    energy = np.full(20_000, 200.0)
    eta = np.zeros_like(energy)
    smeared = detector.smear_energy(energy, eta, bins, np.random.default_rng(7))
    expected = detector.energy_resolution_gev(energy[:1], eta[:1], bins)[0]
    assert np.mean(smeared) == pytest.approx(200.0, abs=0.5)
    assert np.std(smeared) == pytest.approx(expected, rel=0.03)


def test_smearing_never_negative(detector_config):
    bins = detector_config["jets"]["energy_resolution"]
    smeared = detector.smear_energy(np.full(10_000, 1.0), np.zeros(10_000), bins, np.random.default_rng(3))
    assert np.all(smeared >= 0.0)
