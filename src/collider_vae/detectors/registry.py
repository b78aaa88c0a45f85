"""Construction of detectors by name, for parameters that come from configuration."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from collider_vae.detectors.autoencoder import AutoencoderDetector
from collider_vae.detectors.base import Detector
from collider_vae.detectors.deep_svdd import DeepSVDDDetector
from collider_vae.detectors.flow import FlowDetector
from collider_vae.detectors.gaussian_mixture import GaussianMixtureDetector
from collider_vae.detectors.isolation_forest import IsolationForestDetector
from collider_vae.detectors.knn import KNNDetector

logger = logging.getLogger(__name__)

DETECTORS: dict[str, type] = {
    IsolationForestDetector.name: IsolationForestDetector,
    GaussianMixtureDetector.name: GaussianMixtureDetector,
    AutoencoderDetector.name: AutoencoderDetector,
    KNNDetector.name: KNNDetector,
    FlowDetector.name: FlowDetector,
    DeepSVDDDetector.name: DeepSVDDDetector,
}


def build_detector(name: str, params: Mapping[str, Any] | None = None, seed: int = 0) -> Detector:
    """Build an unfitted detector from its registry name and parameter mapping.

    Raises:
        ValueError: If the name is not registered or a parameter key is unknown.
    """
    if name not in DETECTORS:
        raise ValueError(f"Unknown detector {name!r}. Choose one of {sorted(DETECTORS)}.")
    return DETECTORS[name](params, seed=seed)


def build_enabled_detectors(config: Mapping[str, Mapping[str, Any] | None], seed: int = 0) -> dict[str, Detector]:
    """Build every detector of ``config`` whose ``enabled`` flag is not false.

    Args:
        config: Maps a registry name to its parameters, for example
            ``{"knn": {"enabled": True, "n_neighbors": 10}, "flow": {"enabled": False}}``.
            The ``enabled`` key defaults to true, and the other keys are the
            detector's parameters.
        seed: Seed passed to every detector.

    Returns:
        The built detectors keyed by registry name, in the order of ``config``.
    """
    detectors: dict[str, Detector] = {}
    for name, entry in config.items():
        params = dict(entry or {})
        if not params.pop("enabled", True):
            logger.info("Detector %s is disabled", name)
            continue
        detectors[name] = build_detector(name, params, seed)
    logger.info("Built detectors: %s", ", ".join(detectors) or "none")
    return detectors
