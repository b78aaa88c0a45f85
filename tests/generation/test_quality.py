"""Tests of the figures of merit on cases with known values."""

from __future__ import annotations

import numpy as np
import pytest

from collider_vae.generation.observables import event_observables, leading_jet_phis
from collider_vae.generation.quality.distances import chi2_distance, compare_samples
from collider_vae.generation.quality.holes import flat_holes_fraction, flat_sample_holes_fraction, holes_fraction
from collider_vae.generation.quality.memorisation import memorisation_report
from collider_vae.generation.quality.physicality import physical_flags, physicality_report
from tests.generation.helpers import events


def test_identical_samples_have_zero_distance():
    values = np.random.default_rng(0).exponential(100.0, 5000)
    distances = compare_samples(values, values.copy(), log=True)
    assert distances.chi2 == 0
    assert distances.emd == 0
    assert distances.js == 0


def test_disjoint_samples_have_maximal_distance():
    distances = compare_samples(np.zeros(100), np.ones(100))
    assert distances.chi2 == pytest.approx(2.0)
    assert distances.js == pytest.approx(1.0)
    assert distances.emd == pytest.approx(1.0)


def test_emd_of_shifted_sample_is_shift():
    values = np.random.default_rng(1).normal(size=2000)
    assert compare_samples(values + 0.3, values).emd == pytest.approx(0.3)


def test_distances_ignore_nan_and_handle_empty():
    assert compare_samples(np.array([1.0, np.nan]), np.array([1.0])).chi2 == 0
    assert np.isnan(compare_samples(np.array([np.nan]), np.array([1.0])).js)


def test_chi2_of_unit_histograms():
    assert chi2_distance(np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])) == pytest.approx(2 * 0.0625 / 0.75 + 0.5)


def test_flat_sample_gives_flat_holes_fraction():
    n = 100_000
    measured = flat_sample_holes_fraction(n, np.random.default_rng(3))
    expected = flat_holes_fraction(n)
    assert expected == pytest.approx(np.exp(-n / 160_000), rel=1e-4)
    assert measured == pytest.approx(expected, abs=0.003)


def test_repeated_point_leaves_all_but_one_bin_empty():
    assert holes_fraction(np.full(1000, 0.5), np.full(1000, -0.5), n_bins=400) == 1 - 1 / 160_000


GOOD_EVENT = [("j", 120.0, 100.0, 0.3, 1.0), ("b", 80.0, 60.0, -0.5, -2.0), ("e-", 30.0, 25.0, 0.1, 0.0)]


@pytest.mark.parametrize(
    ("objects", "failed"),
    [
        ([("j", 90.0, 100.0, 0.0, 1.0)], "energy_above_pt"),
        ([("j", 101.0, 100.0, 1.0, 1.0)], "non_negative_mass"),  # E < pT cosh(1) = 154
        ([("j", 60.0, 50.0, 0.0, 1.0), ("j", 120.0, 100.0, 0.0, 2.0)], "jet_pt_ordered"),
        ([("j", 30.0, 15.0, 0.0, 1.0)], "object_cuts"),  # jet below 20 GeV
        ([("m+", 300.0, 30.0, 3.0, 1.0)], "object_cuts"),  # muon beyond |eta| = 2.7
    ],
)
def test_physicality_flags_each_criterion(objects, failed):
    flags = physical_flags(events([GOOD_EVENT, objects]))
    for name, values in flags.items():
        assert values[0], name
    assert not flags[failed][1]
    assert not flags["physical"][1]


def test_physicality_share():
    report = physicality_report(events([GOOD_EVENT, GOOD_EVENT, [("j", 10.0, 100.0, 0.0, 0.0)], []]))
    assert report["physical"] == 0.75
    assert report["energy_above_pt"] == 0.75


def test_copied_training_events_are_memorised():
    rng = np.random.default_rng(0)
    training = rng.normal(size=(2000, 5))
    held_out = rng.normal(size=(500, 5))
    copies = memorisation_report(training[:500] + 1e-6, held_out, training)
    fresh = memorisation_report(rng.normal(size=(500, 5)), held_out, training)
    assert copies["share_below_mc_q0.01"] == 1.0
    assert fresh["share_below_mc_q0.5"] == pytest.approx(0.5, abs=0.08)
    assert fresh["share_below_mc_q0.05"] == pytest.approx(0.05, abs=0.04)


def test_dijet_mass_and_leading_jet_phis():
    table = events([
        [("e-", 30.0, 30.0, 0.0, 0.0), ("j", 100.0, 100.0, 0.0, 0.0), ("j", 100.0, 100.0, 0.0, np.pi)],
        [("j", 50.0, 50.0, 0.0, 0.5)],
    ])
    observables = event_observables(table)
    assert observables["mjj_gev"][0] == pytest.approx(200.0)
    assert np.isnan(observables["mjj_gev"][1])
    assert list(observables["n_jets"]) == [2, 1]
    assert list(observables["n_leptons"]) == [1, 0]
    assert observables["ht_gev"][0] == pytest.approx(200.0)
    first, second = leading_jet_phis(table)
    assert list(first) == [0.0]
    assert list(second) == [pytest.approx(np.pi)]
