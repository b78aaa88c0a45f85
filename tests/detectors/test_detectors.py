"""Behaviour shared by every registered detector."""

import dataclasses

import numpy as np
import pytest

from collider_vae.detectors import DETECTORS, Detector, build_detector

# Few epochs and small networks keep each fit well under a second on a CPU.
FAST_PARAMS = {
    "isolation_forest": {"n_estimators": 100},
    "gaussian_mixture": {"n_components": [1, 2, 4]},
    "autoencoder": {"epochs": 15, "batch_size": 128, "hidden_sizes": [16, 8], "bottleneck": 2},
    "knn": {"n_neighbors": 5},
    "flow": {"epochs": 15, "batch_size": 128, "hidden_features": [16, 16], "transforms": 2},
    "deep_svdd": {"epochs": 15, "batch_size": 128, "hidden_sizes": [16, 8], "representation_dim": 4},
}


@pytest.fixture(scope="module")
def blob() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    scale = np.array([1.0, 2.0, 0.5, 3.0])
    offset = np.array([10.0, -5.0, 0.0, 100.0])
    return {
        "train": rng.normal(size=(1500, 4)) * scale + offset,
        "val": rng.normal(size=(300, 4)) * scale + offset,
        "bulk": rng.normal(size=(1000, 4)) * scale + offset,
        "outlier": (offset + 8.0 * scale)[np.newaxis, :],
        "scale": scale,
    }


def test_registry_covers_all_models():
    assert set(FAST_PARAMS) == set(DETECTORS)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_outlier_scores_above_bulk(name, blob):
    detector = build_detector(name, FAST_PARAMS[name], seed=3).fit(blob["train"], blob["val"])

    bulk_scores = detector.score(blob["bulk"])
    outlier_score = detector.score(blob["outlier"])

    assert isinstance(detector, Detector)
    assert bulk_scores.shape == (1000,)
    assert np.isfinite(bulk_scores).all()
    assert outlier_score[0] > np.percentile(bulk_scores, 99)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_batched_scores_match_single_pass(name, blob):
    small_batches = dict(FAST_PARAMS[name], score_batch_size=7)
    detector = build_detector(name, small_batches, seed=3).fit(blob["train"])
    x = blob["bulk"][:50]

    batched = detector.score(x)
    detector.params = dataclasses.replace(detector.params, score_batch_size=10_000)
    single = detector.score(x)

    np.testing.assert_allclose(batched, single, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_same_seed_same_scores(name, blob):
    first = build_detector(name, FAST_PARAMS[name], seed=11).fit(blob["train"]).score(blob["bulk"][:20])
    second = build_detector(name, FAST_PARAMS[name], seed=11).fit(blob["train"]).score(blob["bulk"][:20])

    np.testing.assert_allclose(first, second, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_score_before_fit_raises(name, blob):
    detector = build_detector(name, FAST_PARAMS[name])

    with pytest.raises(RuntimeError, match="call fit"):
        detector.score(blob["bulk"])


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_nan_input_rejected(name, blob):
    x = blob["train"].copy()
    x[3, 1] = np.nan

    with pytest.raises(ValueError, match="NaN"):
        build_detector(name, FAST_PARAMS[name]).fit(x)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_wrong_feature_count_rejected(name, blob):
    detector = build_detector(name, FAST_PARAMS[name]).fit(blob["train"])

    with pytest.raises(ValueError, match="4 features"):
        detector.score(blob["bulk"][:, :3])
