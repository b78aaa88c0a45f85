"""Same-event pairing and heavy-flavour hadron codes."""

from __future__ import annotations

import numpy as np

from collider_vae.simulation.particles import hadron_flavour_digit, pseudorapidity, same_event_pairs


def test_same_event_pairs_matches_brute_force():
    rng = np.random.default_rng(1)
    event_a = np.sort(rng.integers(0, 6, size=15))
    event_b = np.sort(rng.integers(0, 6, size=20))
    ia, ib = same_event_pairs(event_a, event_b, n_events=6)
    expected = {(i, j) for i in range(15) for j in range(20) if event_a[i] == event_b[j]}
    assert set(zip(ia.tolist(), ib.tolist())) == expected
    assert len(ia) == len(expected)


def test_same_event_pairs_empty_event():
    ia, ib = same_event_pairs(np.array([0, 2]), np.array([1, 1]), n_events=3)
    assert len(ia) == 0
    assert len(ib) == 0


def test_bottom_hadrons():
    codes = np.array([511, -521, 5122, 10513, 553, 5, 5103, 1000021, 421])
    assert hadron_flavour_digit(codes, 5).tolist() == [True, True, True, True, True, False, False, False, False]


def test_charm_hadrons():
    codes = np.array([421, -411, 4122, 443, 4, 4101, 511, 211])
    assert hadron_flavour_digit(codes, 4).tolist() == [True, True, True, True, False, False, False, False]


def test_pseudorapidity_along_beam():
    eta = pseudorapidity(np.array([0.0, 0.0, 1.0]), np.array([5.0, -5.0, 0.0]))
    assert eta[0] > 100.0
    assert eta[1] < -100.0
    assert eta[2] == 0.0
