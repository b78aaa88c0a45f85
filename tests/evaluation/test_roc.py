"""Tests of AUC and working points on cases with known results."""

from __future__ import annotations

import numpy as np
import pytest

from collider_vae.evaluation.roc import auc, working_point


def test_perfect_separation_gives_auc_one():
    assert auc(np.arange(100.0), np.arange(100.0) + 1000) == 1.0


def test_identical_scores_give_auc_half():
    values = np.random.default_rng(0).normal(size=2000)
    assert auc(values, values) == pytest.approx(0.5)


def test_working_point_counts_signal_above_threshold():
    background = np.arange(1000.0)  # 10 events above 989
    signal = np.array([995.0, 985.0, 2000.0, 0.0])
    point = working_point(background, signal, 1e-2)
    assert point.signal_efficiency == 0.5
    assert point.significance_improvement == pytest.approx(0.5 / 0.1)


def test_unreachable_working_point_says_so():
    point = working_point(np.arange(500.0), np.arange(10.0), 1e-3)
    assert point.signal_efficiency is None
    assert "500 background test events, at least 1000 needed" in point.note
