"""Evaluation: ROC, AUC and working points of every score on every signal."""

from collider_vae.pipelines.evaluation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
