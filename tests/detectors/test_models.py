"""Properties specific to single detectors."""

import numpy as np
import pytest
import torch
from torch import nn

from collider_vae.detectors import (
    AutoencoderDetector,
    DeepSVDDDetector,
    FlowDetector,
    GaussianMixtureDetector,
    KNNDetector,
    TrainingParams,
)
from collider_vae.detectors.torch_training import train_model


def test_knn_training_scores_skip_self():
    x_train = np.array([[0.0], [0.0], [1.0], [4.0]])
    detector = KNNDetector({"n_neighbors": 1}).fit(x_train)
    std = x_train.std()

    training_scores = detector.score_training()
    new_event_scores = detector.score(x_train)

    np.testing.assert_allclose(training_scores, np.array([0.0, 0.0, 1.0, 3.0]) / std)
    np.testing.assert_allclose(new_event_scores, np.zeros(4))


def test_knn_mean_of_k_distances():
    x_train = np.array([[0.0], [1.0], [3.0], [10.0]])
    detector = KNNDetector({"n_neighbors": 2}).fit(x_train)
    std = x_train.std()

    scores = detector.score(np.array([[2.0]]))

    np.testing.assert_allclose(scores, [1.0 / std])


def test_gmm_bic_picks_two_blobs():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(size=(800, 2)), rng.normal(size=(800, 2)) + 12.0])

    detector = GaussianMixtureDetector({"n_components": [1, 2, 4]}, seed=0).fit(x)

    assert detector.chosen_components == 2
    assert set(detector.bic) == {1, 2, 4}
    assert detector.bic[2] == min(detector.bic.values())


def test_gmm_scores_gap_between_blobs():
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(size=(800, 2)), rng.normal(size=(800, 2)) + 12.0])
    detector = GaussianMixtureDetector({"n_components": [1, 2]}, seed=0).fit(x)

    gap, centre = detector.score(np.array([[6.0, 6.0], [0.0, 0.0]]))

    assert gap > centre + 10.0


def test_flow_nll_in_input_units():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(600, 3))
    params = {"epochs": 3, "batch_size": 200, "hidden_features": [8, 8], "transforms": 1}

    nll = FlowDetector(params, seed=0).fit(x).score(x[:20])
    nll_scaled = FlowDetector(params, seed=0).fit(10.0 * x).score(10.0 * x[:20])

    # Scaling every feature by 10 lowers each density by 10**3.
    np.testing.assert_allclose(nll_scaled - nll, 3 * np.log(10.0), atol=1e-3)


def test_deep_svdd_has_no_bias_and_offset_centre():
    rng = np.random.default_rng(3)
    params = {"epochs": 2, "hidden_sizes": [8], "representation_dim": 6, "min_centre": 0.1}

    detector = DeepSVDDDetector(params, seed=0).fit(rng.normal(size=(300, 4)))

    model = detector._model
    assert not any("bias" in name for name, _ in model.named_parameters())
    assert (model.centre.abs() >= 0.1 - 1e-7).all()


def test_deep_svdd_centre_stays_fixed():
    rng = np.random.default_rng(4)
    detector = DeepSVDDDetector({"epochs": 1, "hidden_sizes": [8], "representation_dim": 4}, seed=0)
    x = rng.normal(size=(300, 4))
    detector.fit(x)
    centre_after_one = detector._model.centre.clone()

    detector.params = type(detector.params)(epochs=5, hidden_sizes=(8,), representation_dim=4)
    detector.fit(x)

    torch.testing.assert_close(detector._model.centre, centre_after_one)


def test_early_stopping_restores_best_epoch():
    rng = np.random.default_rng(5)
    x_train, x_val = rng.normal(size=(400, 4)), rng.normal(size=(200, 4))
    params = {"epochs": 40, "patience": 2, "learning_rate": 3e-2, "hidden_sizes": [8], "bottleneck": 2}

    detector = AutoencoderDetector(params, seed=0).fit(x_train, x_val)

    best_epoch = int(np.argmin(detector.history)) + 1
    assert len(detector.history) < 40
    assert len(detector.history) == best_epoch + 2
    np.testing.assert_allclose(detector.score(x_val).mean(), min(detector.history), rtol=1e-5)


def test_autoencoder_bottleneck_too_wide_rejected():
    with pytest.raises(ValueError, match="bottleneck"):
        AutoencoderDetector({"bottleneck": 4}).fit(np.zeros((10, 4)) + np.arange(4))


def test_nan_loss_names_model():
    model = nn.Linear(2, 1)

    def nan_loss(batch: torch.Tensor) -> torch.Tensor:
        return model(batch).squeeze(1) * float("nan")

    with pytest.raises(FloatingPointError, match="my_model: the loss became nan in epoch 1"):
        train_model(model, nan_loss, np.ones((8, 2)), None, TrainingParams(epochs=2), "my_model", seed=0)
