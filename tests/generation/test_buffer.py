"""Tests of the density buffer, its samplers and conditional selection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import torch

from collider_vae.generation.buffer import BufferSampler, DensityBuffer, PriorSampler, build_buffer
from collider_vae.generation.conditions import condition_mask, parse_comparison
from collider_vae.generation.decode import decode_batch
from collider_vae.generation.generator import decode_latents, generate_batches
from collider_vae.pipelines.generate.nodes import select_reference_events
from tests.generation.helpers import LAYOUT, SCALER, events, random_buffer, small_model


def test_zero_width_reproduces_decoded_mu():
    buffer = random_buffer(50)
    model = small_model()
    sampler = BufferSampler(buffer, alpha=0.0, gamma=0.0, seed=3)
    (batch,) = generate_batches(model, sampler, 50, SCALER, LAYOUT, batch_size=50, progress=False)
    rows = np.array([int(label[1:]) for label in batch.events.column("process_id").to_pylist()])
    assert sorted(rows) == list(range(50))  # one pass covers every buffered event once
    outputs = decode_latents(model, buffer.mu[rows], torch.device("cpu"))
    expected = decode_batch(outputs, buffer.process_id[rows], SCALER, LAYOUT)
    assert batch.events.equals(expected.events)


def test_draws_spread_by_alpha_sigma_plus_gamma():
    buffer = random_buffer(1, latent_dim=3)
    sampler = BufferSampler(buffer, alpha=2.0, gamma=0.05, seed=1)
    z, _ = next(sampler.batches(200_000, 200_000))
    expected = 2.0 * buffer.sigma[0] + 0.05
    assert np.allclose(z.mean(axis=0), buffer.mu[0], atol=0.01)
    assert np.allclose(z.std(axis=0), expected, rtol=0.01)


def test_sampler_cycles_through_buffer():
    sampler = BufferSampler(random_buffer(10), 1.0, 0.05, seed=0)
    rows = np.concatenate([sampler.next_indices(7) for _ in range(5)])  # 35 events, 3.5 cycles
    counts = np.bincount(rows, minlength=10)
    assert counts.min() == 3
    assert counts.max() == 4
    assert sorted(rows[:10]) == list(range(10))


def test_mixture_follows_weights():
    processes = ["ttbar"] * 30 + ["wjets"] * 5
    sampler = BufferSampler(random_buffer(35, processes=processes), 1.0, 0.05, seed=0, mixture={"ttbar": 1, "wjets": 3})
    labels = np.concatenate([label for _, label in sampler.batches(40_000, 10_000)])
    assert (labels == "wjets").mean() == pytest.approx(0.75, abs=0.01)


def test_mixture_rejects_missing_process():
    with pytest.raises(ValueError, match="No buffered events for mixture processes \\['zz'\\]"):
        BufferSampler(random_buffer(5, processes=["ttbar"] * 5), 1.0, 0.05, seed=0, mixture={"zz": 1.0})


def test_prior_sampler_is_standard_normal():
    z, labels = next(PriorSampler(latent_dim=5, seed=2).batches(100_000, 100_000))
    assert z.shape == (100_000, 5)
    assert np.abs(z.mean(axis=0)).max() < 0.02
    assert np.abs(z.std(axis=0) - 1).max() < 0.02
    assert set(labels) == {"generated"}


def test_buffer_frame_round_trip():
    buffer = random_buffer(8)
    again = DensityBuffer.from_frame(buffer.to_frame())
    assert np.array_equal(again.mu, buffer.mu)
    assert np.array_equal(again.sigma, buffer.sigma)
    assert list(again.process_id) == list(buffer.process_id)
    pd.testing.assert_frame_equal(again.observables, buffer.observables)


def test_build_buffer_stores_sigma_of_encoder():
    model = small_model()
    x = np.random.default_rng(0).normal(size=(30, LAYOUT.n_features)).astype(np.float32)
    observables = pd.DataFrame({"met_gev": np.arange(30.0)})
    buffer = build_buffer(model, x, np.array(["ttbar"] * 30), observables, size=12, seed=0)
    assert len(buffer) == 12
    rows = buffer.observables["met_gev"].to_numpy().astype(int)  # met_gev was set to the row number
    with torch.no_grad():
        _, logvar = model.encode(torch.as_tensor(x[rows]))
    assert np.allclose(buffer.sigma, np.exp(0.5 * logvar.numpy()), rtol=1e-5)


def test_condition_keeps_matching_buffer_events():
    buffer = random_buffer(200)
    selected = buffer.select(condition_mask(buffer.observables, ["met_gev > 300", "n_jets >= 4"]))
    sampler = BufferSampler(selected, 1.0, 0.05, seed=0)
    _, labels = next(sampler.batches(500, 500))
    rows = [int(label[1:]) for label in labels]
    assert len(selected) > 0
    assert (buffer.observables["met_gev"].to_numpy()[rows] > 300).all()
    assert (buffer.observables["n_jets"].to_numpy()[rows] >= 4).all()


def test_condition_mask_cases():
    observables = pd.DataFrame({"met_gev": [100.0, 300.0, 500.0], "mjj_gev": [np.nan, 80.0, 90.0]})
    assert list(condition_mask(observables, ["met_gev > 300"])) == [False, False, True]
    assert list(condition_mask(observables, ["met_gev >= 300"])) == [False, True, True]
    assert list(condition_mask(observables, ["mjj_gev < 1e3"])) == [False, True, True]  # NaN never passes
    assert list(condition_mask(observables, [])) == [True, True, True]
    assert parse_comparison(" n_jets==4 ") == ("n_jets", "==", 4.0)


@pytest.mark.parametrize(
    ("condition", "message"),
    [(["met_gev >> 3"], "Invalid condition"), (["met_gev > x"], "Invalid condition"), (["sumet > 3"], "Unknown observable 'sumet'")],
)
def test_condition_rejects_bad_text(condition, message):
    with pytest.raises(ValueError, match=message):
        condition_mask(pd.DataFrame({"met_gev": [1.0]}), condition)


def test_empty_buffer_rejected():
    with pytest.raises(ValueError, match="density buffer is empty"):
        BufferSampler(random_buffer(5).select(np.zeros(5, dtype=bool)), 1.0, 0.05, seed=0)


def test_reference_rejects_unknown_mixture_process():
    table = events([[("j", 120.0, 100.0, 0.3, 1.0)]] * 4)
    table = table.append_column("split", pa.array(["test"] * 4))
    parameters = {"condition": [], "mixture": {"ttbar": 1.0, "zz": 1.0}, "seed": 0}
    with pytest.raises(ValueError, match="No held-out events of mixture processes \\['zz'\\]"):
        select_reference_events(table, parameters)
