"""Common interface and helpers of the outlier detectors.

Every detector is fit on background events only and returns one anomaly score
per event, where a higher score means more anomalous.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any, Protocol, Self, TypeVar, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)

ParamsT = TypeVar("ParamsT")


@runtime_checkable
class Detector(Protocol):
    """Outlier detector fit on background events.

    ``fit`` takes training events, and optionally validation events for early
    stopping, both of shape ``(n_events, n_features)``. ``score`` returns an
    array of shape ``(n_events,)`` in which higher means more anomalous.
    """

    name: str

    def fit(self, x_train: np.ndarray, x_val: np.ndarray | None = None) -> Self: ...

    def score(self, x: np.ndarray) -> np.ndarray: ...


def parse_params(params_type: type[ParamsT], params: ParamsT | Mapping[str, Any] | None) -> ParamsT:
    """Build a parameter dataclass from a mapping, such as a Kedro parameters entry.

    Raises:
        ValueError: If the mapping has a key that is not a field of ``params_type``.
    """
    if params is None:
        return params_type()
    if isinstance(params, params_type):
        return params
    known = {field.name for field in fields(params_type)}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"Unknown parameters {unknown} for {params_type.__name__}. "
            f"Valid keys are {sorted(known)}."
        )
    converted = {key: tuple(value) if isinstance(value, list) else value for key, value in params.items()}
    return params_type(**converted)


def check_events(x: np.ndarray, name: str, n_features: int | None = None) -> np.ndarray:
    """Return ``x`` as a 2-D float array after checking its shape and values.

    Raises:
        ValueError: If ``x`` is not 2-D, is empty, has a different number of
            features than the fitted model, or contains NaN or infinity.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"{name}: expected events of shape (n_events, n_features), got shape {x.shape}.")
    if x.shape[0] == 0:
        raise ValueError(f"{name}: received no events.")
    if n_features is not None and x.shape[1] != n_features:
        raise ValueError(f"{name}: the model was fit on {n_features} features but received {x.shape[1]}.")
    if not np.isfinite(x).all():
        bad = int((~np.isfinite(x)).any(axis=1).sum())
        raise ValueError(f"{name}: {bad} events contain NaN or infinity. Remove or impute them first.")
    return x


def score_in_batches(
    score_batch: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    batch_size: int,
    name: str | None = None,
) -> np.ndarray:
    """Apply ``score_batch`` to consecutive row blocks of ``x`` and join the results.

    Only one block of intermediate results exists at a time, so memory grows
    with ``batch_size`` and not with the number of events. When ``name`` is
    given, the event count and duration are logged under it.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}.")
    start_time = time.perf_counter()
    scores = np.empty(x.shape[0], dtype=np.float64)
    for start in range(0, x.shape[0], batch_size):
        stop = min(start + batch_size, x.shape[0])
        scores[start:stop] = score_batch(x[start:stop])
    if name is not None:
        logger.info("%s: scored %d events in %.1f s", name, x.shape[0], time.perf_counter() - start_time)
    return scores
