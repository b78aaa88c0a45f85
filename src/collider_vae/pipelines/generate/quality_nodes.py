"""Nodes of the generation quality report.

Every figure of merit compares a generated sample with held-out Monte Carlo
events of the same size. Two samplers are compared: the density buffer
(``buffer``) and the plain-VAE baseline z ~ N(0, 1) (``prior``).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
from matplotlib.figure import Figure

from collider_vae.datasets.chunked_parquet import take_sorted_rows
from collider_vae.features.encode import encode_slots, met_columns
from collider_vae.features.layout import FeatureLayout
from collider_vae.features.scaler import FeatureScaler
from collider_vae.features.slots import order_into_slots
from collider_vae.generation.observables import COUNT_OBSERVABLES, LOG_SCALE_SUFFIX, all_observables, leading_jet_phis
from collider_vae.generation.plots import histograms_figure, holes_figure
from collider_vae.generation.quality.distances import compare_samples
from collider_vae.generation.quality.holes import flat_holes_fraction, flat_sample_holes_fraction, holes_fraction
from collider_vae.generation.quality.memorisation import memorisation_report
from collider_vae.generation.quality.physicality import physicality_report
from collider_vae.splitting import TRAIN

logger = logging.getLogger(__name__)

SAMPLERS = ("buffer", "prior")
MONTE_CARLO = "monte_carlo"


def _num_rows(events: pa.Table | pads.Dataset) -> int:
    return events.num_rows if isinstance(events, pa.Table) else events.count_rows()


def _subsample(events: pa.Table | pads.Dataset, n: int, rng: np.random.Generator) -> pa.Table:
    n_rows = _num_rows(events)
    rows = np.arange(n_rows) if n_rows == n else np.sort(rng.choice(n_rows, size=n, replace=False))
    if isinstance(events, pa.Table):
        return events if n_rows == n else events.take(pa.array(rows))
    return take_sorted_rows(events, rows)


def match_sample_sizes(
    buffer_events: pa.Table | pads.Dataset, prior_events: pa.Table | pads.Dataset, reference: pa.Table, seed: int
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Draw the same number of events from each sample, the size of the smallest.

    Generated samples may be lazy datasets, of which only the drawn rows are read.

    Raises:
        ValueError: If a sample is empty.
    """
    n = min(_num_rows(buffer_events), _num_rows(prior_events), reference.num_rows)
    if n == 0:
        raise ValueError("Cannot compare samples: one of them is empty")
    rng = np.random.default_rng(seed)
    logger.info("Quality report on %d events per sample", n)
    return _subsample(buffer_events, n, rng), _subsample(prior_events, n, rng), _subsample(reference, n, rng)


def _log_scale(name: str) -> bool:
    return name.endswith(LOG_SCALE_SUFFIX)


def compare_distributions(
    buffer_events: pa.Table, prior_events: pa.Table, reference: pa.Table, n_slots: int, parameters: dict[str, Any]
) -> dict[str, dict[str, dict[str, float]]]:
    """Return chi2, EMD and JS of every observable, per sampler, against the reference.

    Observables are the kinematics of each object slot in GeV and radians,
    MET, its azimuth, HT, the leading dijet mass and the object counts.
    """
    reference_values = all_observables(reference, n_slots)
    result = {}
    for name, events in zip(SAMPLERS, (buffer_events, prior_events)):
        values = all_observables(events, n_slots)
        result[name] = {
            column: compare_samples(
                values[column].to_numpy(), reference_values[column].to_numpy(), int(parameters["n_bins"]),
                log=_log_scale(column), integer=column in COUNT_OBSERVABLES,
            ).to_dict()
            for column in reference_values.columns
        }
    return result


def plot_distributions(
    buffer_events: pa.Table, prior_events: pa.Table, reference: pa.Table, n_slots: int, parameters: dict[str, Any]
) -> Figure:
    """Plot every observable of both samplers against the reference, with ratio panels."""
    samples = {
        MONTE_CARLO: all_observables(reference, n_slots),
        "buffer": all_observables(buffer_events, n_slots),
        "prior": all_observables(prior_events, n_slots),
    }
    columns = list(samples[MONTE_CARLO].columns)
    arrays = {name: {column: frame[column].to_numpy() for column in columns} for name, frame in samples.items()}
    return histograms_figure(
        arrays, MONTE_CARLO, columns, {c for c in columns if _log_scale(c)}, set(COUNT_OBSERVABLES), int(parameters["n_bins"])
    )


def _phi_pairs(buffer_events: pa.Table, prior_events: pa.Table, reference: pa.Table) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    pairs = {MONTE_CARLO: leading_jet_phis(reference), "buffer": leading_jet_phis(buffer_events), "prior": leading_jet_phis(prior_events)}
    n = min(len(first) for first, _ in pairs.values())
    return {name: (first[:n], second[:n]) for name, (first, second) in pairs.items()}


def measure_holes(
    buffer_events: pa.Table, prior_events: pa.Table, reference: pa.Table, parameters: dict[str, Any]
) -> dict[str, float]:
    """Return the holes fraction of phi_j1 against phi_j2 for each sample, a flat sample and its expectation.

    Each sample contributes the same number of entries: the smallest number
    of events with two jets among the three samples.
    """
    n_bins = int(parameters["holes_bins"])
    pairs = _phi_pairs(buffer_events, prior_events, reference)
    n_entries = len(pairs[MONTE_CARLO][0])
    result = {name: holes_fraction(first, second, n_bins) for name, (first, second) in pairs.items()}
    result["flat"] = flat_sample_holes_fraction(n_entries, np.random.default_rng(int(parameters["seed"])), n_bins)
    result["flat_expected"] = flat_holes_fraction(n_entries, n_bins)
    result["n_entries"] = n_entries
    return result


def plot_holes(
    buffer_events: pa.Table, prior_events: pa.Table, reference: pa.Table, holes: dict[str, float], parameters: dict[str, Any]
) -> Figure:
    """Plot the filled bins of the phi_j1 against phi_j2 histogram for each sample."""
    return holes_figure(_phi_pairs(buffer_events, prior_events, reference), holes, int(parameters["holes_bins"]))


def measure_physicality(buffer_events: pa.Table, prior_events: pa.Table, reference: pa.Table) -> dict[str, dict[str, float]]:
    """Return the share of physical events, per criterion, for each sampler and for the reference."""
    return {
        "buffer": physicality_report(buffer_events),
        "prior": physicality_report(prior_events),
        MONTE_CARLO: physicality_report(reference),
    }


def _scaled_features(events: pa.Table, scaler: FeatureScaler, layout: FeatureLayout) -> np.ndarray:
    met_mev, met_phi = met_columns(events)
    return encode_slots(order_into_slots(events, layout.n_slots), met_mev, met_phi, scaler, layout)


def measure_memorisation(
    buffer_events: pa.Table,
    prior_events: pa.Table,
    reference: pa.Table,
    split_events: pa.Table,
    scaler: dict,
    n_slots: int,
    parameters: dict[str, Any],
) -> dict[str, dict[str, float]]:
    """Compare each sampler's distances to the nearest training event with those of held-out events.

    Distances are taken in the scaled feature space of the generator. At most
    ``parameters["memorisation_max_events"]`` generated and held-out events
    are queried, against every training event, so a copied training event
    always finds itself.
    """
    layout, feature_scaler = FeatureLayout(n_slots), FeatureScaler.from_dict(scaler)
    rng = np.random.default_rng(int(parameters["seed"]))
    limit = int(parameters["memorisation_max_events"])

    def features(events: pa.Table) -> np.ndarray:
        return _scaled_features(_subsample(events, min(limit, events.num_rows), rng), feature_scaler, layout)

    train = split_events.filter(pa.array(split_events.column("split").to_numpy(zero_copy_only=False) == TRAIN))
    training = _scaled_features(train, feature_scaler, layout)
    held_out = features(reference)
    return {name: memorisation_report(features(events), held_out, training) for name, events in zip(SAMPLERS, (buffer_events, prior_events))}


def _mean(values: list[float]) -> float:
    finite = [value for value in values if np.isfinite(value)]
    return float(np.mean(finite)) if finite else float("nan")


def summarise_quality(
    distances: dict, holes: dict, physicality: dict, memorisation: dict, csv_check: dict, generation_stats: dict
) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """Build the quality report, the buffer sampler beside the N(0, 1) baseline, and its MLflow metrics.

    Returns:
        The report for ``generation_quality.json`` and metrics named
        ``<sampler>.<figure>``, which the catalog prefixes with ``generate.``.
    """
    summary = {}
    for name in SAMPLERS:
        per_observable = distances[name].values()
        summary[name] = {
            "mean_chi2": _mean([entry["chi2"] for entry in per_observable]),
            "mean_js": _mean([entry["js"] for entry in per_observable]),
            "holes_fraction": holes[name],
            "physical_fraction": physicality[name]["physical"],
            **{f"memorisation_{key}": value for key, value in memorisation[name].items()},
        }
    summary[MONTE_CARLO] = {"holes_fraction": holes[MONTE_CARLO], "physical_fraction": physicality[MONTE_CARLO]["physical"]}
    summary["flat"] = {"holes_fraction": holes["flat"], "holes_fraction_expected": holes["flat_expected"]}
    report = {
        "summary": summary,
        "distances": distances,
        "holes": holes,
        "physicality": physicality,
        "memorisation": memorisation,
        "csv_round_trip": csv_check,
        "generation": generation_stats,
    }
    metrics = {
        f"{sampler}.{key}": {"value": float(value), "step": 0}
        for sampler, entries in summary.items()
        for key, value in entries.items()
        if np.isfinite(value)
    }
    for sampler in SAMPLERS:
        logger.info("Generation quality, %s sampler: %s", sampler, {k: round(v, 4) for k, v in summary[sampler].items()})
    return report, metrics
