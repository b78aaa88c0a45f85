"""Kedro datasets of the project."""

from collider_vae.datasets.chunked_parquet import ChunkedParquetDataset
from collider_vae.datasets.darkmachines_csv import DarkMachinesCsvDataset
from collider_vae.datasets.torch_model import TorchModelDataset
from collider_vae.datasets.raw_folder import DarkMachinesFolderDataset, RawFile, RawFolder

__all__ = ["ChunkedParquetDataset", "DarkMachinesCsvDataset", "DarkMachinesFolderDataset", "RawFile", "RawFolder", "TorchModelDataset"]
