"""Construction of detectors from configuration mappings."""

import pytest

from collider_vae.detectors import (
    DETECTORS,
    FlowDetector,
    GaussianMixtureDetector,
    KNNDetector,
    build_detector,
    build_enabled_detectors,
)


def test_build_detector_applies_params():
    detector = build_detector("knn", {"n_neighbors": 9}, seed=4)

    assert isinstance(detector, KNNDetector)
    assert detector.params.n_neighbors == 9
    assert detector.seed == 4


def test_list_params_become_tuples():
    detector = build_detector("gaussian_mixture", {"n_components": [1, 3]})

    assert isinstance(detector, GaussianMixtureDetector)
    assert detector.params.n_components == (1, 3)


def test_unknown_detector_rejected():
    with pytest.raises(ValueError, match="Unknown detector 'lof'"):
        build_detector("lof", {})


def test_unknown_param_rejected():
    with pytest.raises(ValueError, match="n_neighbours"):
        build_detector("knn", {"n_neighbours": 3})


def test_disabled_detectors_skipped():
    config = {"knn": {"enabled": True, "n_neighbors": 2}, "flow": {"enabled": False}, "isolation_forest": None}

    detectors = build_enabled_detectors(config, seed=1)

    assert list(detectors) == ["knn", "isolation_forest"]
    assert detectors["knn"].params.n_neighbors == 2


def test_defaults_build_for_every_model():
    for name in DETECTORS:
        assert build_detector(name).name == name


def test_unknown_flow_type_rejected():
    with pytest.raises(ValueError, match="flow_type"):
        FlowDetector({"flow_type": "realnvp"})
