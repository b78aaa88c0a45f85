"""Time fitting and scoring of every outlier detector and record peak memory.

Command for every detector (2 CPU cores, no GPU):

    .venv/bin/python benchmarks/score_detectors.py \
        --train-events 50000 --score-events 1000000 --dims 13 98 --epochs 5 \
        --output benchmarks/results/score_detectors.json

docs/benchmarks.md gives the ``--detectors`` subsets behind its table.

Each (detector, dimension) pair runs in a fresh process, so the peak resident
memory (``ru_maxrss``) belongs to that pair alone. The peak includes the
imported libraries and the generated events (1M events of 98 float64 features
take 784 MB), whose sum ``baseline_rss_mb`` records before the fit. The events are standard
normal features mixed by a random linear map, so they are correlated but carry
no physics. Torch detectors train for ``--epochs`` epochs without a validation
set. The other parameters are the library defaults.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

logger = logging.getLogger("score_detectors")

TORCH_DETECTORS = {"autoencoder", "flow", "deep_svdd"}


def make_events(n_events: int, n_features: int, seed: int, chunk_size: int = 65_536) -> np.ndarray:
    """Return correlated Gaussian events: standard normal features times a random mixing matrix.

    The events are filled in chunks, so generating them needs little memory
    beyond the returned array.
    """
    rng = np.random.default_rng(seed)
    mixing = np.random.default_rng(12345 + n_features).normal(size=(n_features, n_features)) / np.sqrt(n_features)
    events = np.empty((n_events, n_features))
    for start in range(0, n_events, chunk_size):
        stop = min(start + chunk_size, n_events)
        events[start:stop] = rng.standard_normal((stop - start, n_features)) @ mixing
    return events


def peak_rss_mb() -> float:
    """Return the peak resident memory of this process in MB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_one(name: str, n_features: int, args: argparse.Namespace) -> dict:
    """Fit one detector and score the score events, in the calling process."""
    import torch
    from threadpoolctl import threadpool_limits

    from collider_vae.detectors import build_detector

    if args.threads is not None:
        torch.set_num_threads(args.threads)
        threadpool_limits(limits=args.threads)

    x_train = make_events(args.train_events, n_features, seed=1)
    x_score = make_events(args.score_events, n_features, seed=2)
    data_mb = (x_train.nbytes + x_score.nbytes) / 1e6
    baseline_rss_mb = peak_rss_mb()

    params = {"epochs": args.epochs} if name in TORCH_DETECTORS else {}
    if name == "autoencoder":
        params["bottleneck"] = min(4, n_features - 1)
    detector = build_detector(name, params, seed=0)

    start = time.perf_counter()
    detector.fit(x_train)
    fit_s = time.perf_counter() - start

    start = time.perf_counter()
    scores = detector.score(x_score)
    score_s = time.perf_counter() - start

    return {
        "detector": name,
        "n_features": n_features,
        "train_events": args.train_events,
        "score_events": args.score_events,
        "fit_s": fit_s,
        "score_s": score_s,
        "score_events_per_s": args.score_events / score_s,
        "peak_rss_mb": peak_rss_mb(),
        "data_mb": data_mb,
        "baseline_rss_mb": baseline_rss_mb,
        "finite_scores": bool(np.isfinite(scores).all()),
        "torch_threads": torch.get_num_threads(),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "load_average_1min_after": os.getloadavg()[0],
    }


def _child(name: str, n_features: int, args: argparse.Namespace, queue: multiprocessing.Queue) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    queue.put(run_one(name, n_features, args))


def format_table(results: list[dict]) -> str:
    """Return the results as a Markdown table."""
    lines = [
        "| detector | features | fit (s) | score (s) | scored events/s | peak RSS (MB) | RSS before fit (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results:
        lines.append(
            f"| {row['detector']} | {row['n_features']} | {row['fit_s']:.1f} | {row['score_s']:.1f} "
            f"| {row['score_events_per_s']:,.0f} | {row['peak_rss_mb']:,.0f} | {row['baseline_rss_mb']:,.0f} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    from collider_vae.detectors import DETECTORS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-events", type=int, default=50_000, help="training events per fit")
    parser.add_argument("--score-events", type=int, default=1_000_000, help="events scored after the fit")
    parser.add_argument("--dims", type=int, nargs="+", default=[13, 98], help="feature counts to test")
    parser.add_argument("--detectors", nargs="+", default=sorted(DETECTORS), help="registry names to run")
    parser.add_argument("--epochs", type=int, default=5, help="training epochs of the torch detectors")
    parser.add_argument("--threads", type=int, help="limit torch, BLAS and OpenMP threads (default: library defaults)")
    parser.add_argument("--output", type=Path, help="JSON file for the results")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    context = multiprocessing.get_context("spawn")
    results = []
    for n_features in args.dims:
        for name in args.detectors:
            queue = context.Queue()
            process = context.Process(target=_child, args=(name, n_features, args, queue))
            process.start()
            result = queue.get()
            process.join()
            logger.info("%s", json.dumps(result))
            results.append(result)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n")
    sys.stdout.write(format_table(results) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
