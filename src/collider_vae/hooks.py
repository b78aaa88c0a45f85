"""Project hooks."""

from __future__ import annotations

import logging
from typing import Any

import mlflow
from kedro.framework.hooks import hook_impl
from kedro.io import AbstractVersionedDataset

logger = logging.getLogger(__name__)


class MlflowArtifactHook:
    """Log the file of every dataset whose metadata sets ``mlflow_artifact: true``,
    and tag each run with its raw folder.

    kedro-mlflow's ``MlflowArtifactDataset`` gives its wrapped dataset a save
    version of its own, which Kedro 1.7 rejects for versioned datasets. This
    hook logs the file that the versioned dataset has just written instead.
    """

    def __init__(self) -> None:
        self._catalog: Any = None

    @hook_impl
    def after_catalog_created(self, catalog: Any) -> None:
        """Keep the catalog, to look up datasets after they are saved."""
        self._catalog = catalog

    @hook_impl
    def before_node_run(self, node: Any, inputs: dict[str, Any]) -> None:
        """Tag the MLflow run with the raw folder, so that runs on different data can be distinguished."""
        raw_folder = inputs.get("raw_files")
        if raw_folder is not None and mlflow.active_run() is not None:
            mlflow.set_tag("raw_dir", str(raw_folder.path))

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any, node: Any) -> None:
        """Log the saved file as an artifact of the active MLflow run."""
        if self._catalog is None or dataset_name not in self._catalog:
            return
        dataset = self._catalog.get(dataset_name)
        metadata = getattr(dataset, "metadata", None) or {}
        if not metadata.get("mlflow_artifact") or mlflow.active_run() is None:
            return
        if not isinstance(dataset, AbstractVersionedDataset):
            logger.warning("Dataset %s is not file-based; not logged to MLflow", dataset_name)
            return
        # The load path of a versioned dataset is the version it has just saved.
        path = str(dataset._get_load_path())
        mlflow.log_artifact(path, artifact_path=metadata.get("mlflow_artifact_path", "reporting"))
        logger.info("Logged %s to MLflow as an artifact", path)
