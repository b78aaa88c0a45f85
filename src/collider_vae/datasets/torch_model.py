"""Versioned dataset for a beta-VAE: its config and state_dict, never a pickled module."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import torch
from kedro.io import AbstractVersionedDataset, DatasetError, Version

from collider_vae.models.vae import BetaVAE, VAEConfig


class TorchModelDataset(AbstractVersionedDataset[BetaVAE, BetaVAE]):
    """Save a :class:`BetaVAE` as ``{"config": ..., "state_dict": ...}``.

    Loading uses ``torch.load(weights_only=True)``, which rejects arbitrary
    pickled objects, and rebuilds the model from its config.
    """

    def __init__(self, filepath: str, version: Version | None = None, metadata: dict[str, Any] | None = None) -> None:
        """Create the dataset.

        Args:
            filepath: Path under which the versions are stored.
            version: Load and save versions, as Kedro passes them.
            metadata: Free-form metadata, ignored by the dataset.
        """
        super().__init__(filepath=PurePosixPath(filepath), version=version, exists_function=lambda p: Path(p).exists())
        self.metadata = metadata

    def load(self) -> BetaVAE:
        """Rebuild the model on the CPU in evaluation mode."""
        payload = torch.load(str(self._get_load_path()), map_location="cpu", weights_only=True)
        model = BetaVAE(VAEConfig.from_dict(payload["config"]))
        model.load_state_dict(payload["state_dict"])
        return model.eval()

    def save(self, data: BetaVAE) -> None:
        """Write the config and the CPU copy of the state_dict."""
        path = Path(str(self._get_save_path()))
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {name: tensor.detach().cpu() for name, tensor in data.state_dict().items()}
        torch.save({"config": data.config.to_dict(), "state_dict": state}, path)

    def _exists(self) -> bool:
        try:
            return Path(str(self._get_load_path())).exists()
        except DatasetError:  # no version saved yet
            return False

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "version": self._version}
