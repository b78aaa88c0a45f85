"""Whole-pipeline runs through KedroSession, each in a copy of the project under tmp_path."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from mlflow.tracking import MlflowClient

from collider_vae.pipelines.beta_scan import SCAN_POINTS
from tests.conftest import PROJECT_ROOT
from tests.synthetic import write_raw_folder

FAST_PARAMETERS = {
    "training": {
        "model": {"latent_dim": 3, "hidden_sizes": [32, 16], "residual": False},
        "optimisation": {"beta": 0.1, "learning_rate": 0.003, "batch_size": 64, "max_epochs": 3, "patience": 2, "seed": 1},
    },
    "scoring": {
        "seed": 1,
        "latent_likelihood": {"buffer_size": 100, "batch_size": 256},
        "detectors": {
            "isolation_forest": {"n_estimators": 20},
            "gaussian_mixture": {"n_components": [1, 2]},
            "autoencoder": {"hidden_sizes": [8], "bottleneck": 2, "epochs": 2},
            "knn": {"n_neighbors": 3},
            "flow": {"transforms": 1, "hidden_features": [8], "epochs": 2},
            "deep_svdd": {"hidden_sizes": [8], "representation_dim": 4, "epochs": 2},
        },
        "combinations": {
            "latent": {"scores": ["latent_isolation_forest", "latent_knn", "latent_flow"], "rules": ["and", "or", "product", "mean"]},
        },
    },
}
for _point, _beta in zip(SCAN_POINTS, (1e-4, 1e-3, 1e-2, 0.1, 0.5, 0.9)):
    FAST_PARAMETERS[_point] = {"training": {"optimisation": {**FAST_PARAMETERS["training"]["optimisation"], "beta": _beta}}}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project's configuration with MLflow tracking under tmp_path.

    The autouse fixture ``isolated_mlflow_state`` resets MLflow after the test.
    """
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "conf", root / "conf", ignore=shutil.ignore_patterns("local"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    # Kedro checks that the source folder exists; the package itself is installed.
    (root / "src").mkdir()
    local = root / "conf" / "local"
    local.mkdir()
    mlflow_config = yaml.safe_load((root / "conf" / "base" / "mlflow.yml").read_text())
    mlflow_config["server"]["mlflow_tracking_uri"] = f"sqlite:///{tmp_path / 'mlflow.db'}"
    (local / "mlflow.yml").write_text(yaml.safe_dump({"server": mlflow_config["server"]}))
    (local / "parameters_fast.yml").write_text(yaml.safe_dump(FAST_PARAMETERS))
    monkeypatch.chdir(root)
    bootstrap_project(root)
    return root


def run_anomaly(root: Path, raw_dir: Path, pipeline_name: str = "anomaly") -> None:
    with KedroSession.create(project_path=root, runtime_params={"raw_dir": str(raw_dir)}) as session:
        session.run(pipeline_names=[pipeline_name])


def latest(root: Path, relative: str) -> Path:
    versions = sorted((root / relative).iterdir())
    return versions[-1] / Path(relative).name


def test_anomaly_pipeline_writes_metrics_and_mlflow_run(project, tmp_path):
    raw = write_raw_folder(tmp_path / "raw")
    run_anomaly(project, raw)

    metrics = json.loads(latest(project, "data/08_reporting/anomaly_metrics.json").read_text())
    scores = metrics["signals"]["zprime"]["scores"]
    expected = {"vae_reconstruction", "vae_kl", "vae_radius", "vae_latent_nll", "latent_flow", "input_deep_svdd", "combined_latent_and"}
    assert expected <= set(scores)
    table = pd.read_csv(latest(project, "data/08_reporting/anomaly_metrics.csv"))
    assert list(table.columns) == ["Signal", "Model", "Chan", "AUC", "1e-2", "1e-3", "1e-4"]
    assert max(entry["auc"] for entry in scores.values()) > 0.8  # the synthetic signal is much harder

    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    runs = client.search_runs([client.get_experiment_by_name("collider_vae").experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert "auc.zprime.vae_radius" in run.data.metrics
    assert len(client.get_metric_history(run.info.run_id, "training.train_loss")) == 3
    assert "training.optimisation.beta" in run.data.params
    assert run.data.tags["raw_dir"] == str(raw)
    artifacts = [item.path for item in client.list_artifacts(run.info.run_id, "reporting")]
    assert "reporting/roc_curves.png" in artifacts


def test_second_run_keeps_first_version(project, tmp_path):
    raw = write_raw_folder(tmp_path / "raw", n_background=200, n_signal=40)
    run_anomaly(project, raw)
    run_anomaly(project, raw)
    assert len(list((project / "data/08_reporting/anomaly_metrics.json").iterdir())) == 2
    assert len(list((project / "data/06_models/vae.pt").iterdir())) == 2


def test_missing_background_stops_run(project, tmp_path):
    (tmp_path / "empty" / "signal").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="No background files in raw folder"):
        run_anomaly(project, tmp_path / "empty")


def test_anomaly_pipeline_on_real_files(project, real_data_dir):
    run_anomaly(project, real_data_dir)
    report = json.loads(latest(project, "data/08_reporting/ingest_report.json").read_text())
    totals = report["totals"]
    assert totals["kept"] + totals["rejected"] == totals["lines_read"]
    assert totals["rejected"] > 0
    metrics = json.loads(latest(project, "data/08_reporting/anomaly_metrics.json").read_text())
    assert len(metrics["signals"]["x1n2_3lep_1"]["scores"]) == 4 + 2 * 6 + 4


def test_viz_build_succeeds(project):
    kedro = Path(sys.executable).with_name("kedro")
    result = subprocess.run([str(kedro), "viz", "build"], cwd=project, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (project / "build" / "api" / "main").exists()


def test_beta_scan_tables_every_point(project, tmp_path):
    raw = write_raw_folder(tmp_path / "raw", n_background=200, n_signal=20)
    run_anomaly(project, raw, pipeline_name="beta_scan")
    table = pd.read_csv(latest(project, "data/08_reporting/beta_scan.csv"))
    assert table["beta"].tolist() == [1e-4, 1e-3, 1e-2, 0.1, 0.5, 0.9]
    assert (table["mean_latent_variance"] > 0).all()
    assert latest(project, "data/08_reporting/beta_scan.png").exists()
    assert len(list((project / "data/06_models/beta_scan").iterdir())) == len(SCAN_POINTS)
