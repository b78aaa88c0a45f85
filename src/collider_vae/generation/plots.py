"""Plots of the generation quality report."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

from collider_vae.generation.quality.distances import histogram_edges  # noqa: E402


def _finite(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return values[np.isfinite(values)]


def histograms_figure(
    samples: dict[str, dict[str, np.ndarray]],
    reference_name: str,
    observables: list[str],
    log_scale: set[str],
    integer: set[str],
    n_bins: int = 25,
    n_columns: int = 6,
) -> Figure:
    """Plot each observable's histogram per sample, with the ratio to the reference below.

    Args:
        samples: ``samples[name][observable]`` values; one name is the reference.
        reference_name: The sample the ratios divide by.
        observables: Observables to plot, one panel each.
        log_scale: Observables with log-spaced bins and a log x axis.
        integer: Observables with one bin per integer.
        n_bins: Bins of continuous observables.
        n_columns: Panels per row.
    """
    n_rows = int(np.ceil(len(observables) / n_columns))
    figure = plt.figure(figsize=(3.2 * n_columns, 3.4 * n_rows))
    grid = figure.add_gridspec(n_rows, n_columns, hspace=0.45, wspace=0.35, top=0.98, bottom=0.03, left=0.04, right=0.99)
    for index, name in enumerate(observables):
        cell = grid[index // n_columns, index % n_columns].subgridspec(2, 1, height_ratios=(3, 1), hspace=0.05)
        top, bottom = figure.add_subplot(cell[0]), figure.add_subplot(cell[1])
        reference = _finite(samples[reference_name][name])
        others = [_finite(values[name]) for key, values in samples.items() if key != reference_name]
        edges = histogram_edges(reference, np.concatenate(others) if others else reference, n_bins,
                                log=name in log_scale, integer=name in integer)
        reference_counts, _ = np.histogram(reference, edges)
        for sample_name, values in samples.items():
            counts, _ = np.histogram(_finite(values[name]), edges)
            style = {"color": "black", "linewidth": 1.5} if sample_name == reference_name else {"linewidth": 1.0}
            top.stairs(counts, edges, label=sample_name, **style)
            if sample_name != reference_name:
                ratio = np.divide(counts, reference_counts, out=np.full(len(counts), np.nan), where=reference_counts > 0)
                bottom.stairs(ratio, edges, **style)
        bottom.axhline(1.0, color="black", linewidth=0.8)
        bottom.set_ylim(0, 2)
        for axis in (top, bottom):
            if name in log_scale and edges[0] > 0:
                axis.set_xscale("log")
                axis.xaxis.set_minor_formatter(NullFormatter())
        top.set_xticklabels([])
        top.set_title(name, fontsize=9)
        bottom.set_ylabel("ratio", fontsize=7)
        top.tick_params(labelsize=7)
        bottom.tick_params(labelsize=7)
        if index == 0:
            top.legend(fontsize=7)
    return figure


def holes_figure(phi_pairs: dict[str, tuple[np.ndarray, np.ndarray]], holes: dict[str, float], n_bins: int = 400) -> Figure:
    """Plot the 2D histogram of the leading jets' azimuths per sample, titled with its holes fraction."""
    figure, axes = plt.subplots(1, len(phi_pairs), figsize=(4.5 * len(phi_pairs), 4.2), squeeze=False)
    for axis, (name, (phi_1, phi_2)) in zip(axes[0], phi_pairs.items()):
        counts, _, _ = np.histogram2d(phi_1, phi_2, bins=n_bins, range=[(-np.pi, np.pi), (-np.pi, np.pi)])
        axis.imshow((counts.T > 0), origin="lower", extent=(-np.pi, np.pi, -np.pi, np.pi), cmap="Greys", interpolation="nearest")
        axis.set_title(f"{name}: holes fraction {holes[name]:.3f}", fontsize=9)
        axis.set_xlabel(r"$\phi_{j1}$")
        axis.set_ylabel(r"$\phi_{j2}$")
    figure.tight_layout()
    return figure
