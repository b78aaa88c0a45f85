"""Plots of the evaluation: ROC curves in the particle-physics convention."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def roc_figure(curves: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]], channel: str) -> Figure:
    """Plot 1/eps_B against eps_S on a log axis, one panel per signal.

    Args:
        curves: ``curves[signal][score] = (eps_b, eps_s)``.
        channel: Channel name for the titles.
    """
    signals = sorted(curves)
    n = max(len(signals), 1)
    figure, axes = plt.subplots(1, n, figsize=(6 * n, 5), squeeze=False)
    for axis, signal in zip(axes[0], signals):
        for index, (score, (eps_b, eps_s)) in enumerate(sorted(curves[signal].items())):
            keep = eps_b > 0
            colour, style = _style(index)
            axis.plot(eps_s[keep], 1.0 / eps_b[keep], label=score, linewidth=1.2, color=colour, linestyle=style)
        grid = np.linspace(1e-3, 1, 200)
        axis.plot(grid, 1.0 / grid, "k--", linewidth=0.8, label="random")
        axis.set_yscale("log")
        axis.set_xlabel(r"signal efficiency $\epsilon_S$")
        axis.set_ylabel(r"background rejection $1/\epsilon_B$")
        axis.set_title(f"{signal}, channel: {channel}")
        axis.set_xlim(0, 1)
        axis.grid(alpha=0.3, which="both")
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    figure.tight_layout()
    return figure


def _style(index: int) -> tuple[tuple[float, ...], str]:
    """Return a colour of the 20-colour map and a line style, distinct for the first 60 indices."""
    return plt.get_cmap("tab20")(index % 20), ("-", "--", ":")[(index // 20) % 3]


def score_distributions_figure(
    background: dict[str, np.ndarray], signals: dict[str, dict[str, np.ndarray]]
) -> Figure:
    """Plot each score's distribution for background and every signal, one panel per score.

    Args:
        background: Scores of background test events, by score name.
        signals: ``signals[signal][score]`` is the scores of that signal's events.
    """
    names = sorted(background)
    n_columns = min(3, max(len(names), 1))
    n_rows = max(1, -(-len(names) // n_columns))
    figure, axes = plt.subplots(n_rows, n_columns, figsize=(5 * n_columns, 3.6 * n_rows), squeeze=False)
    for axis, name in zip(axes.ravel(), names):
        values = [background[name]] + [scores[name] for scores in signals.values()]
        finite = np.concatenate([v[np.isfinite(v)] for v in values])
        # Percentiles rather than the full range, because a few extreme scores would squeeze the bulk into one bin.
        low, high = np.percentile(finite, [1, 99]) if len(finite) else (0.0, 1.0)
        bins = np.linspace(low, high if high > low else low + 1.0, 50)
        axis.hist(np.clip(background[name], bins[0], bins[-1]), bins=bins, density=True, histtype="stepfilled", alpha=0.4, color="grey", label="background (test)")
        for signal, scores in sorted(signals.items()):
            axis.hist(np.clip(scores[name], bins[0], bins[-1]), bins=bins, density=True, histtype="step", linewidth=1.3, label=signal)
        axis.set_yscale("log")
        axis.set_xlabel(f"{name} (higher = more anomalous)")
        axis.set_ylabel("normalised events")
        axis.legend(fontsize=7)
    for axis in axes.ravel()[len(names):]:
        axis.set_visible(False)
    figure.tight_layout()
    return figure


def latent_projection_figure(projection: np.ndarray, labels: np.ndarray, explained: np.ndarray) -> Figure:
    """Scatter the first two principal components of the latent means, coloured by process.

    Args:
        projection: Points of shape (n_events, 2).
        labels: Process or signal name of each point.
        explained: Explained variance ratio of the two components.
    """
    figure, axis = plt.subplots(figsize=(7, 6))
    for index, label in enumerate(sorted(set(labels))):
        mask = labels == label
        colour = plt.get_cmap("tab20")(index % 20)
        marker = ("o", "^", "s")[(index // 20) % 3]
        axis.scatter(projection[mask, 0], projection[mask, 1], s=4, alpha=0.5, color=colour, marker=marker, label=f"{label} ({mask.sum()})")
    axis.set_xlabel(f"PC 1 ({100 * explained[0]:.0f}% of variance)")
    axis.set_ylabel(f"PC 2 ({100 * explained[1]:.0f}% of variance)")
    axis.set_title("Latent means (mu), PCA projection")
    axis.legend(fontsize=7, markerscale=3, ncol=2)
    figure.tight_layout()
    return figure


def beta_scan_figure(betas: np.ndarray, mean_variance: np.ndarray, mean_radius: np.ndarray) -> Figure:
    """Plot mean latent variance and mean |mu| against beta.

    Posterior collapse shows as the variance rising to 1 and |mu| falling to 0
    as beta grows, because the KL term then pulls q(z|x) onto the prior.
    """
    figure, axis = plt.subplots(figsize=(6, 4.5))
    axis.plot(betas, mean_variance, "o-", label=r"mean $\sigma^2$ of q(z|x)")
    axis.plot(betas, mean_radius, "s-", label=r"mean $|\mu|$")
    axis.axhline(1.0, color="k", linestyle=":", linewidth=0.8)
    axis.set_xscale("log")
    axis.set_xlabel(r"$\beta$")
    axis.set_ylabel("latent statistic (background validation events)")
    axis.grid(alpha=0.3, which="both")
    axis.legend()
    figure.tight_layout()
    return figure
