"""Tests of the beta-VAE, its loss, its training loop and its dataset."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from collider_vae.datasets.torch_model import TorchModelDataset
from collider_vae.features.layout import FeatureLayout
from collider_vae.models.inference import encode, vae_scores
from collider_vae.models.loss import SlotLoss
from collider_vae.models.training import TrainingConfig, train_vae
from collider_vae.models.vae import BetaVAE, VAEConfig

LAYOUT = FeatureLayout(n_slots=2)


def random_features(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros((n, LAYOUT.n_features), dtype=np.float32)
    x[:, LAYOUT.exists[0]] = 1
    x[:, LAYOUT.kinematics[0]] = rng.normal(size=(n, 4))
    x[np.arange(n), LAYOUT.types[0, rng.integers(0, 7, n)]] = 1
    x[:, LAYOUT.met] = rng.normal(size=(n, 2))
    return x


def test_empty_slots_only_add_existence_term():
    loss = SlotLoss(LAYOUT)
    target = torch.as_tensor(random_features(4))
    output = target.clone()
    output[:, LAYOUT.kinematics[1]] = 100.0  # garbage in an empty slot
    base = target.clone()
    assert torch.allclose(loss.reconstruction(output, target), loss.reconstruction(base, target))


def test_kl_zero_for_standard_normal():
    assert SlotLoss.kl(torch.zeros(3, 4), torch.zeros(3, 4)).abs().max() == 0


def test_training_lowers_loss_and_is_reproducible():
    config = VAEConfig(input_dim=LAYOUT.n_features, latent_dim=3, hidden_sizes=(32, 16))
    training = TrainingConfig(beta=0.1, batch_size=64, max_epochs=5, patience=5, seed=3)
    x = random_features(300)
    model, history = train_vae(x[:200], x[200:], LAYOUT, config, training)
    again, _ = train_vae(x[:200], x[200:], LAYOUT, config, training)
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert torch.equal(model.mu.weight, again.mu.weight)


def test_training_rejects_nan_features():
    x = random_features(50)
    x[7, 3] = np.nan
    config = VAEConfig(input_dim=LAYOUT.n_features, latent_dim=2, hidden_sizes=(8,))
    with pytest.raises(ValueError, match="first row 7"):
        train_vae(x, x, LAYOUT, config, TrainingConfig(max_epochs=1))


def test_training_raises_when_loss_diverges():
    x = random_features(64) * 1e30
    config = VAEConfig(input_dim=LAYOUT.n_features, latent_dim=2, hidden_sizes=(8,))
    with pytest.raises(FloatingPointError, match="epoch 1"):
        train_vae(x, x, LAYOUT, config, TrainingConfig(max_epochs=2, learning_rate=1e6))


def test_model_dataset_round_trip(tmp_path):
    model = BetaVAE(VAEConfig(input_dim=LAYOUT.n_features, latent_dim=3, hidden_sizes=(16, 16), residual=True))
    dataset = TorchModelDataset(str(tmp_path / "vae.pt"))
    dataset.save(model)
    loaded = dataset.load()
    assert loaded.config == model.config
    x = random_features(10)
    assert np.allclose(encode(model, x)[0], encode(loaded, x)[0])
    payload = torch.load(tmp_path / "vae.pt", weights_only=True)
    assert set(payload) == {"config", "state_dict"}


def test_scores_have_one_value_per_event():
    model = BetaVAE(VAEConfig(input_dim=LAYOUT.n_features, latent_dim=3, hidden_sizes=(16,)))
    scores = vae_scores(model, random_features(20), LAYOUT, batch_size=7)
    assert {name: len(values) for name, values in scores.items()} == {"reconstruction": 20, "kl": 20, "radius": 20}
    assert (scores["radius"] >= 0).all()
