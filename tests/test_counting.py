"""Counting-experiment significances and the challenge improvement metrics."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from collider_vae.counting import (
    asimov_significance,
    counting_experiment,
    expected_counts,
    poisson_p_value,
    poisson_significance,
    significance_improvement,
    significance_improvements_from_efficiencies,
    summarize_total_improvement,
    total_improvement,
)


def test_expected_counts_hand_computed():
    background, signal = expected_counts(
        background_scores=np.array([0.1, 0.5, 0.9, 1.2]),
        background_weights=np.array([10.0, 20.0, 30.0, 40.0]),
        signal_scores=np.array([0.4, 0.5, 2.0]),
        signal_weights=np.array([1.0, 2.0, 3.0]),
        threshold=0.5,
        luminosity_ifb=2.0,
    )

    assert background == pytest.approx(2.0 * (20.0 + 30.0 + 40.0))
    assert signal == pytest.approx(2.0 * (2.0 + 3.0))


def test_expected_counts_length_mismatch():
    with pytest.raises(ValueError, match="3 scores but 2 weights"):
        expected_counts(np.zeros(3), np.ones(2), np.zeros(1), np.ones(1), 0.0)


def test_asimov_hand_computed():
    # 2 (15 ln 1.5 - 5) = 2.1639532...
    assert asimov_significance(5.0, 10.0) == pytest.approx(math.sqrt(2.163953243), rel=1e-8)


def test_asimov_small_signal_limit():
    assert asimov_significance(1.0, 1e6) == pytest.approx(1.0 / math.sqrt(1e6), rel=1e-4)


def test_zero_background_gives_no_nan():
    assert asimov_significance(3.0, 0.0) == math.inf
    assert poisson_significance(3.0, 0.0) == math.inf
    assert poisson_p_value(3.0, 0.0) == 0.0
    assert asimov_significance(0.0, 0.0) == 0.0
    assert poisson_significance(0.0, 0.0) == 0.0
    assert poisson_p_value(0.0, 0.0) == 1.0


def test_poisson_p_value_integer_count():
    # P(N >= 15 | 10) summed from the probability mass function.
    cdf_14 = sum(math.exp(-10.0) * 10.0**k / math.factorial(k) for k in range(15))

    assert poisson_p_value(5.0, 10.0) == pytest.approx(1.0 - cdf_14, rel=1e-10)
    assert poisson_p_value(5.0, 10.0) == pytest.approx(stats.poisson.sf(14, 10.0), rel=1e-10)


def test_poisson_significance_from_p_value():
    p = stats.poisson.sf(14, 10.0)

    assert poisson_significance(5.0, 10.0) == pytest.approx(stats.norm.isf(p), rel=1e-10)


def test_no_excess_gives_zero_significance():
    assert poisson_significance(0.0, 7.0) == 0.0
    assert asimov_significance(0.0, 7.0) == 0.0


def test_negative_counts_rejected():
    with pytest.raises(ValueError, match="non-negative"):
        asimov_significance(-1.0, 3.0)


def test_counting_experiment_reports_both():
    result = counting_experiment(
        background_scores=np.array([0.0, 1.0]),
        background_weights=np.array([100.0, 10.0]),
        signal_scores=np.array([1.0, 2.0]),
        signal_weights=np.array([2.0, 3.0]),
        threshold=1.0,
    )

    assert (result.background, result.signal) == (10.0, 5.0)
    assert result.z_asimov == pytest.approx(asimov_significance(5.0, 10.0))
    assert result.z_poisson == pytest.approx(poisson_significance(5.0, 10.0))
    assert result.p_poisson == pytest.approx(stats.poisson.sf(14, 10.0))


def test_significance_improvement_hand_computed():
    np.testing.assert_allclose(significance_improvement(np.array([0.1, 0.02]), 1e-2), [1.0, 0.2])
    with pytest.raises(ValueError, match="positive"):
        significance_improvement(0.1, 0.0)


def test_total_improvement_max_over_channels_and_points():
    rows = [
        ("glgl", "chan1", "flow", 3.0),
        ("glgl", "chan2a", "flow", 7.5),
        ("glgl", "chan1", "flow", 4.0),
        ("stop", "chan1", "flow", 1.5),
        ("glgl", "chan1", "svdd", 2.0),
        ("glgl", "chan1", "svdd", float("nan")),
    ]

    totals = total_improvement(rows)

    expected = pd.DataFrame(
        {
            "model": ["flow", "flow", "svdd"],
            "signal": ["glgl", "stop", "glgl"],
            "chan": ["chan2a", "chan1", "chan1"],
            "total_improvement": [7.5, 1.5, 2.0],
        }
    )
    pd.testing.assert_frame_equal(totals, expected)


def test_summary_min_median_max():
    totals = pd.DataFrame(
        {"model": ["flow"] * 3, "signal": ["a", "b", "c"], "chan": ["chan1"] * 3, "total_improvement": [1.0, 5.0, 2.0]}
    )

    summary = summarize_total_improvement(totals)

    assert summary.loc[0, ["min", "median", "max"]].tolist() == [1.0, 2.0, 5.0]


def test_efficiency_table_to_si_rows():
    table = pd.DataFrame(
        {"signal": ["glgl"], "chan": ["chan1"], "model": ["flow"], "1e-2": [0.3], "1e-3": [0.1], "1e-4": [0.02]}
    )

    rows = significance_improvements_from_efficiencies(table)
    totals = total_improvement(rows)

    np.testing.assert_allclose(rows["SI"], [3.0, 0.1 / math.sqrt(1e-3), 2.0])
    assert totals.loc[0, "total_improvement"] == pytest.approx(0.1 / math.sqrt(1e-3))


def test_table_missing_column():
    with pytest.raises(ValueError, match="lacks the columns"):
        total_improvement(pd.DataFrame({"signal": ["a"], "model": ["m"], "SI": [1.0]}))
