"""Tests of the evaluation plots as the catalog saves them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml
from kedro_datasets.matplotlib import MatplotlibDataset
from matplotlib.image import imread

from collider_vae.evaluation.plots import roc_figure
from tests.conftest import PROJECT_ROOT


def test_roc_plot_keeps_its_legend(tmp_path: Path):
    eps = np.linspace(0.01, 1, 50)
    figure = roc_figure({"signal": {"recon_loss": (eps, np.sqrt(eps)), "latent_radius": (eps, eps**0.7)}}, "none")
    figure_width = figure.get_figwidth() * 120
    save_args = yaml.safe_load((PROJECT_ROOT / "conf" / "base" / "catalog.yml").read_text())["roc_plot"]["save_args"]
    MatplotlibDataset(filepath=str(tmp_path / "roc.png"), save_args=save_args).save(figure)
    width = imread(tmp_path / "roc.png").shape[1]
    # The legend sits right of the axes, so the saved image must be wider than the figure.
    assert save_args["dpi"] == 120
    assert width > figure_width + 50
