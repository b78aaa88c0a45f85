"""Outlier detectors fit on background events, whose higher scores mean more anomalous events."""

from collider_vae.detectors.autoencoder import AutoencoderDetector, AutoencoderParams
from collider_vae.detectors.base import Detector
from collider_vae.detectors.deep_svdd import DeepSVDDDetector, DeepSVDDParams
from collider_vae.detectors.flow import FlowDetector, FlowParams
from collider_vae.detectors.gaussian_mixture import GaussianMixtureDetector, GaussianMixtureParams
from collider_vae.detectors.isolation_forest import IsolationForestDetector, IsolationForestParams
from collider_vae.detectors.knn import KNNDetector, KNNParams
from collider_vae.detectors.registry import DETECTORS, build_detector, build_enabled_detectors
from collider_vae.detectors.torch_training import TrainingParams

__all__ = [
    "DETECTORS",
    "AutoencoderDetector",
    "AutoencoderParams",
    "DeepSVDDDetector",
    "DeepSVDDParams",
    "Detector",
    "FlowDetector",
    "FlowParams",
    "GaussianMixtureDetector",
    "GaussianMixtureParams",
    "IsolationForestDetector",
    "IsolationForestParams",
    "KNNDetector",
    "KNNParams",
    "TrainingParams",
    "build_detector",
    "build_enabled_detectors",
]
