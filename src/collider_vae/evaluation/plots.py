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
        for score, (eps_b, eps_s) in sorted(curves[signal].items()):
            keep = eps_b > 0
            axis.plot(eps_s[keep], 1.0 / eps_b[keep], label=score, linewidth=1.2)
        grid = np.linspace(1e-3, 1, 200)
        axis.plot(grid, 1.0 / grid, "k--", linewidth=0.8, label="random")
        axis.set_yscale("log")
        axis.set_xlabel(r"signal efficiency $\epsilon_S$")
        axis.set_ylabel(r"background rejection $1/\epsilon_B$")
        axis.set_title(f"{signal} ({channel})")
        axis.set_xlim(0, 1)
        axis.grid(alpha=0.3, which="both")
        axis.legend(fontsize=8)
    figure.tight_layout()
    return figure
