"""Aggregate-posterior negative log-likelihood of latent means."""

import math

import numpy as np
import pytest
from scipy import special, stats

from collider_vae.latent_likelihood import aggregate_posterior_nll


def reference_nll(mu_query, mu_buffer, logvar_buffer):
    result = []
    for z in mu_query:
        log_densities = [
            stats.multivariate_normal(mean=mu, cov=np.diag(np.exp(logvar))).logpdf(z)
            for mu, logvar in zip(mu_buffer, logvar_buffer)
        ]
        result.append(math.log(len(mu_buffer)) - special.logsumexp(log_densities))
    return np.array(result)


def test_single_component_by_hand():
    # One component N(0, diag(1, 4)) at z = (1, 2): log p = -0.5 (1 + 1 + ln 4 + 2 ln 2 pi).
    nll = aggregate_posterior_nll(np.array([[1.0, 2.0]]), np.zeros((1, 2)), np.log([[1.0, 4.0]]))

    expected = 0.5 * (1.0 + 1.0 + math.log(4.0) + 2 * math.log(2 * math.pi))
    np.testing.assert_allclose(nll, [expected], rtol=1e-12)


def test_matches_scipy_loop_with_small_blocks():
    rng = np.random.default_rng(0)
    mu_buffer = rng.normal(size=(7, 3))
    logvar_buffer = rng.normal(scale=0.5, size=(7, 3))
    mu_query = rng.normal(scale=2.0, size=(5, 3))

    nll = aggregate_posterior_nll(mu_query, mu_buffer, logvar_buffer, batch_size=2, buffer_batch_size=3)

    np.testing.assert_allclose(nll, reference_nll(mu_query, mu_buffer, logvar_buffer), rtol=1e-10)


def test_far_query_and_offset_latents():
    rng = np.random.default_rng(1)
    mu_buffer = rng.normal(size=(6, 2)) + 50.0
    logvar_buffer = np.full((6, 2), -4.0)
    mu_query = np.vstack([mu_buffer[:2] + 0.01, [[80.0, 20.0]]])

    nll = aggregate_posterior_nll(mu_query, mu_buffer, logvar_buffer, buffer_batch_size=4)

    np.testing.assert_allclose(nll, reference_nll(mu_query, mu_buffer, logvar_buffer), rtol=1e-8)
    assert nll[2] > nll[:2].max()


def test_shape_mismatch_rejected():
    with pytest.raises(ValueError, match="differ in shape"):
        aggregate_posterior_nll(np.zeros((1, 2)), np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="latent dimensions"):
        aggregate_posterior_nll(np.zeros((1, 3)), np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="empty"):
        aggregate_posterior_nll(np.zeros((1, 2)), np.zeros((0, 2)), np.zeros((0, 2)))
