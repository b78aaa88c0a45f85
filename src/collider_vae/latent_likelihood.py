"""Negative log density of latent means under the VAE's aggregate posterior.

The aggregate posterior of a buffer of ``N`` encoded events is the
equal-weight mixture ``q(z) = (1/N) sum_i N(z; mu_i, diag(sigma_i^2))``. An
event whose latent mean falls where few buffered events have posterior mass
gets a high ``-log q``.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np
import torch

logger = logging.getLogger(__name__)


def aggregate_posterior_nll(
    mu_query: np.ndarray,
    mu_buffer: np.ndarray,
    logvar_buffer: np.ndarray,
    batch_size: int = 1024,
    buffer_batch_size: int = 65_536,
    device: str | torch.device | None = None,
    dtype: torch.dtype = torch.float64,
) -> np.ndarray:
    """Return ``-log q(mu)`` for each query under the mixture of the buffer's Gaussians.

    Queries are processed ``batch_size`` at a time, and the buffer in blocks
    of ``buffer_batch_size``, whose log-sum-exp values are merged with
    ``torch.logaddexp``, so memory grows with the product of the two batch
    sizes only. The squared Mahalanobis distance is expanded into matrix
    products, which needs float64 to keep the cancellation error small.

    NOTE: a query that is itself in the buffer includes its own component,
    which lowers its NLL against that of an unseen event. Score events that
    are not in the buffer, or compare like with like.

    Args:
        mu_query: Latent means to evaluate, shape ``(n_query, latent_dim)``.
        mu_buffer: Posterior means of the buffer, shape ``(n_buffer, latent_dim)``.
        logvar_buffer: Posterior log-variances of the buffer, same shape.
        batch_size: Queries per block.
        buffer_batch_size: Buffer events per block.
        device: Torch device, CUDA when available if ``None``.
        dtype: Floating-point type of the computation.

    Returns:
        Negative log densities of shape ``(n_query,)`` as float64.

    Raises:
        ValueError: If shapes disagree, the buffer is empty or values are not finite.
    """
    mu_query, mu_buffer, logvar_buffer = _check_inputs(mu_query, mu_buffer, logvar_buffer)
    if batch_size < 1 or buffer_batch_size < 1:
        raise ValueError(f"Batch sizes must be positive, got {batch_size} and {buffer_batch_size}.")
    if device is None:
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    start = time.perf_counter()
    blocks = []
    for i in range(0, mu_buffer.shape[0], buffer_batch_size):
        block_slice = slice(i, i + buffer_batch_size)
        blocks.append(_prepare_buffer_block(mu_buffer[block_slice], logvar_buffer[block_slice], device, dtype))
    log_n_buffer = math.log(mu_buffer.shape[0])
    result = np.empty(mu_query.shape[0], dtype=np.float64)
    for i in range(0, mu_query.shape[0], batch_size):
        query = torch.as_tensor(mu_query[i : i + batch_size], dtype=dtype, device=device)
        log_sum = torch.full((query.shape[0],), -math.inf, dtype=dtype, device=device)
        for block in blocks:
            log_sum = torch.logaddexp(log_sum, _log_densities(query, *block).logsumexp(dim=1))
        result[i : i + batch_size] = (log_n_buffer - log_sum).cpu().numpy()
    logger.info(
        "Aggregate-posterior NLL of %d queries against %d buffered events in %.1f s",
        mu_query.shape[0],
        mu_buffer.shape[0],
        time.perf_counter() - start,
    )
    return result


def _prepare_buffer_block(
    mu: np.ndarray, logvar: np.ndarray, device: str | torch.device, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Precompute the per-component terms of log N(z; mu, diag exp(logvar))."""
    mu_t = torch.as_tensor(mu, dtype=dtype, device=device)
    logvar_t = torch.as_tensor(logvar, dtype=dtype, device=device)
    precision = torch.exp(-logvar_t)
    latent_dim = mu_t.shape[1]
    constant = -0.5 * ((mu_t**2 * precision).sum(dim=1) + logvar_t.sum(dim=1) + latent_dim * math.log(2 * math.pi))
    return precision, mu_t * precision, constant


def _log_densities(
    query: torch.Tensor, precision: torch.Tensor, weighted_mu: torch.Tensor, constant: torch.Tensor
) -> torch.Tensor:
    """Return log N(z_q; mu_i, diag sigma_i^2) for every query q and component i.

    Uses sum_d (z_d - mu_d)^2 / sigma_d^2 = z^2 . (1/sigma^2) - 2 z . (mu/sigma^2) + mu^2 . (1/sigma^2).
    """
    quadratic = (query**2) @ precision.T - 2.0 * query @ weighted_mu.T
    return constant.unsqueeze(0) - 0.5 * quadratic


def _check_inputs(
    mu_query: np.ndarray, mu_buffer: np.ndarray, logvar_buffer: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays = [np.asarray(array, dtype=float) for array in (mu_query, mu_buffer, logvar_buffer)]
    names = ("mu_query", "mu_buffer", "logvar_buffer")
    for name, array in zip(names, arrays):
        if array.ndim != 2:
            raise ValueError(f"{name} must have shape (n_events, latent_dim), got {array.shape}.")
        if not np.isfinite(array).all():
            raise ValueError(f"{name} contains NaN or infinity.")
    mu_query, mu_buffer, logvar_buffer = arrays
    if mu_buffer.shape[0] == 0:
        raise ValueError("The buffer is empty, but the aggregate posterior needs at least one event.")
    if mu_buffer.shape != logvar_buffer.shape:
        raise ValueError(f"mu_buffer {mu_buffer.shape} and logvar_buffer {logvar_buffer.shape} differ in shape.")
    if mu_query.shape[1] != mu_buffer.shape[1]:
        raise ValueError(f"mu_query has {mu_query.shape[1]} latent dimensions, the buffer {mu_buffer.shape[1]}.")
    return mu_query, mu_buffer, logvar_buffer
