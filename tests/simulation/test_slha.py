"""Minimal SLHA spectra."""

from __future__ import annotations

import pytest

from collider_vae.simulation.slha import format_minimal_slha


def _spectrum(branching_ratios):
    return {
        "decoupled_mass_gev": 5000.0,
        "masses_gev": {1000021: 1400.0, 1000022: 1100.0},
        "decays": {1000021: {"width_gev": 0.01, "channels": [[br, 1000022, 1, -1] for br in branching_ratios]}},
    }


def test_masses_and_decays_written():
    text = format_minimal_slha(_spectrum([0.5, 0.5]))
    lines = text.splitlines()
    assert "BLOCK MASS" in lines
    assert any(line.split()[:2] == ["1000021", "1.400000e+03"] for line in lines)
    assert any(line.split()[:2] == ["1000001", "5.000000e+03"] for line in lines)
    assert any(line.startswith("DECAY   1000021") for line in lines)
    assert sum(1 for line in lines if line.split()[1:] == ["3", "1000022", "1", "-1"]) == 2


def test_branching_ratios_must_sum_to_one():
    with pytest.raises(ValueError, match="summing to 0.9"):
        format_minimal_slha(_spectrum([0.5, 0.4]))
