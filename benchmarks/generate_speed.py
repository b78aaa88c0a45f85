"""Benchmark event generation: sampling, decoding, unscaling and writing Parquet.

Usage:
    .venv/bin/python benchmarks/generate_speed.py --events 10000000

It builds a generator VAE with the architecture of
``conf/base/parameters_generate.yml``, or loads a trained one with
``--model``. It fills a density buffer of random means and widths. Then it
generates events in batches through the same code as the generate pipeline
and writes them to Parquet with the catalog's save arguments. A writer thread
compresses and writes one batch while the next is decoded. Timings do not
depend on the weights, so an untrained model measures the same rate.
It prints a Markdown table row per device: CPU, and CUDA where it exists.
"""

from __future__ import annotations

import argparse
import logging
import queue
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import torch
import yaml

from collider_vae.datasets.torch_model import TorchModelDataset
from collider_vae.features.layout import FeatureLayout
from collider_vae.features.scaler import FeatureScaler
from collider_vae.generation.buffer import BufferSampler, DensityBuffer
from collider_vae.generation.decode import decode_batch
from collider_vae.generation.generator import decode_latents
from collider_vae.models.vae import BetaVAE, VAEConfig

logger = logging.getLogger("benchmarks.generate")
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Means and widths of a fit on simulated ttbar events, rounded; they set how
# many slots pass the existence threshold, which drives the writing cost.
SCALER = FeatureScaler(
    mean={"log_e": 4.9, "log_pt": 4.2, "eta": 0.0, "phi": 0.0, "log_met": 3.9, "met_phi": 0.0},
    std={"log_e": 0.8, "log_pt": 0.7, "eta": 1.2, "phi": 1.8, "log_met": 0.8, "met_phi": 1.8},
)


# The save arguments of generated_events in conf/base/catalog.yml.
PARQUET_ARGS = {
    "compression": "lz4",
    "use_dictionary": ["sample", "source_file", "process_id", "obj_type.list.element"],
    "write_statistics": False,
}


def default_model(hidden_sizes: list[int] | None = None) -> tuple[BetaVAE, int]:
    """Return an untrained VAE with the pipeline's default architecture, and its slot count.

    ``hidden_sizes`` replaces the default layer widths.
    """
    parameters = yaml.safe_load((PROJECT_ROOT / "conf/base/parameters_generate.yml").read_text())["generate"]
    layout = FeatureLayout(parameters["n_slots"])
    model_parameters = parameters["model"]
    widths = tuple(hidden_sizes or model_parameters["hidden_sizes"])
    config = VAEConfig(layout.n_features, model_parameters["latent_dim"], widths, model_parameters["residual"])
    torch.manual_seed(0)
    return BetaVAE(config).eval(), parameters["n_slots"]


def random_buffer(size: int, latent_dim: int, seed: int = 0) -> DensityBuffer:
    rng = np.random.default_rng(seed)
    return DensityBuffer(
        rng.normal(size=(size, latent_dim)).astype(np.float32),
        rng.uniform(0.01, 0.2, size=(size, latent_dim)).astype(np.float32),
        np.full(size, "ttbar"),
        pd.DataFrame(index=range(size)),
    )


def _write_parts(parts: queue.Queue, path: Path, seconds: list[float]) -> None:
    writer = None
    while (table := parts.get()) is not None:
        start = time.perf_counter()
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, **PARQUET_ARGS)
        writer.write_table(table)
        seconds.append(time.perf_counter() - start)
    if writer is not None:
        writer.close()


def run(
    model: BetaVAE, n_slots: int, n_events: int, batch_size: int, device: torch.device, dtype: torch.dtype, folder: Path
) -> dict[str, float]:
    """Generate ``n_events`` events and return the time of each stage and the total, in seconds."""
    layout = FeatureLayout(n_slots)
    sampler = BufferSampler(random_buffer(100_000, model.config.latent_dim), alpha=1.0, gamma=0.05, seed=0)
    model = model.to(device, dtype).eval()
    path = folder / f"generated_{device.type}.parquet"
    parts: queue.Queue = queue.Queue(maxsize=2)
    write_seconds: list[float] = []
    writer = threading.Thread(target=_write_parts, args=(parts, path, write_seconds))
    timings = {"sample": 0.0, "decode": 0.0, "unscale": 0.0}
    n_objects = 0
    start = time.perf_counter()
    writer.start()
    batches = sampler.batches(n_events, batch_size)
    while True:
        tick = time.perf_counter()
        batch = next(batches, None)
        if batch is None:
            break
        z, process_id = batch
        timings["sample"] += (tock := time.perf_counter()) - tick
        outputs = decode_latents(model, z, device, dtype)
        timings["decode"] += (tick := time.perf_counter()) - tock
        decoded = decode_batch(outputs, process_id, SCALER, layout)
        timings["unscale"] += time.perf_counter() - tick
        n_objects += decoded.n_objects
        parts.put(decoded.events)
    parts.put(None)
    writer.join()
    timings["total"] = time.perf_counter() - start
    timings["write (writer thread)"] = sum(write_seconds)
    timings["objects_per_event"] = n_objects / n_events
    timings["file_mb"] = path.stat().st_size / 1e6
    path.unlink()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="events to generate per device")
    parser.add_argument("--batch-size", type=int, default=65_536, help="events decoded per batch")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--dtypes", nargs="+", default=["float32", "bfloat16"], help="decoder dtypes to measure")
    parser.add_argument("--hidden-sizes", type=int, nargs="+", default=None, help="layer widths of the untrained model")
    parser.add_argument("--model", type=Path, default=None, help="a generator_vae.pt file; default: untrained, default architecture")
    parser.add_argument("--n-slots", type=int, default=None, help="object slots of --model (default: from the parameters)")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if arguments.threads:
        torch.set_num_threads(arguments.threads)
    model, n_slots = default_model(arguments.hidden_sizes)
    if arguments.model is not None:
        model = TorchModelDataset(str(arguments.model)).load()
        n_slots = arguments.n_slots or n_slots
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    logger.info("Decoder widths %s, latent size %d", list(model.config.hidden_sizes), model.config.latent_dim)
    logger.info("| device | dtype | events | total s | events/s | sample s | decode s | unscale s | write s (thread) | objects/event | MB |")
    logger.info("|---|---|---|---|---|---|---|---|---|---|---|")
    cases = [(device, getattr(torch, name)) for device in devices for name in arguments.dtypes]
    with tempfile.TemporaryDirectory() as folder:
        for device, dtype in cases:
            timings = run(model, n_slots, arguments.events, arguments.batch_size, device, dtype, Path(folder))
            logger.info(
                "| %s (%d threads) | %s | %d | %.1f | %.0f | %.1f | %.1f | %.1f | %.1f | %.2f | %.0f |",
                device.type, torch.get_num_threads(), str(dtype).removeprefix("torch."), arguments.events,
                timings["total"], arguments.events / timings["total"],
                timings["sample"], timings["decode"], timings["unscale"], timings["write (writer thread)"],
                timings["objects_per_event"], timings["file_mb"],
            )

if __name__ == "__main__":
    main()
