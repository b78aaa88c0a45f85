"""Whole generate runs through KedroSession, each in a copy of the project under tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import yaml
from kedro.framework.session import KedroSession
from kedro.io import Version
from mlflow.tracking import MlflowClient

from collider_vae.datasets.chunked_parquet import ChunkedParquetDataset
from collider_vae.datasets.darkmachines_csv import DarkMachinesCsvDataset
from tests.synthetic import write_raw_folder
from tests.test_project_run import latest, project  # noqa: F401  (the fixture)

FAST_GENERATE = {
    "generate": {
        "model": {"latent_dim": 3, "hidden_sizes": [16, 16], "residual": True},
        "optimisation": {"beta": 1.0e-6, "learning_rate": 0.003, "batch_size": 64, "max_epochs": 3, "patience": 2, "seed": 1},
        "buffer": {"size": 1000, "seed": 1, "batch_size": 512},
        "quality": {"n_bins": 10, "holes_bins": 400, "memorisation_max_events": 200, "seed": 2},
    }
}
# Batches of 40 events, so that the events reach the datasets in several chunks.
SAMPLING = {"generate": {"sampling": {"mixture": {"ttbar": 1.0, "zz": 3.0}, "condition": ["n_objects >= 3"], "batch_size": 40}}}


def write_fast_parameters(project: Path, processes: list[str]) -> None:
    # Kedro replaces a top-level parameter key of base by that of local, so the local file repeats all of it.
    parameters = yaml.safe_load((project / "conf" / "base" / "parameters_generate.yml").read_text())
    for section, values in FAST_GENERATE["generate"].items():
        parameters["generate"][section] = values if isinstance(values, list) else {**parameters["generate"][section], **values}
    parameters["generate"]["processes"] = processes
    (project / "conf" / "local" / "parameters_generate_fast.yml").write_text(yaml.safe_dump(parameters))


def test_generate_pipeline_writes_events_report_and_mlflow_run(project, tmp_path):  # noqa: F811
    write_fast_parameters(project, ["ttbar", "zz"])
    raw = write_raw_folder(tmp_path / "raw", n_background=600, n_signal=20)
    with KedroSession.create(project_path=project, runtime_params={"raw_dir": str(raw), **SAMPLING}) as session:
        session.run(pipeline_names=["generate"])

    report = json.loads(latest(project, "data/08_reporting/generation_quality.json").read_text())
    assert set(report["summary"]) == {"buffer", "prior", "monte_carlo", "flat"}
    assert report["csv_round_trip"]["rejected"] == 0
    assert report["distances"]["buffer"]["ht_gev"]["n_generated"] > 0
    assert 0 <= report["summary"]["buffer"]["mean_js"] <= 1
    assert report["physicality"]["buffer"]["non_negative_mass"] == 1.0

    generated = ChunkedParquetDataset(str(project / "data/07_model_output/generated_events"), version=Version(None, None)).load()
    labels = generated.column("process_id").to_numpy(zero_copy_only=False)
    assert set(labels) == {"ttbar", "zz"}
    assert (labels == "zz").mean() > 0.6  # the mixture weights zz three times ttbar
    buffer = pd.read_parquet(latest(project, "data/06_models/generator_buffer.parquet"))
    assert report["generation"]["buffer_events_used"] == (buffer["n_objects"] >= 3).sum()
    assert report["generation"]["buffer_events_used"] < len(buffer)
    assert report["generation"]["n_events"] == generated.num_rows
    assert len(list(latest(project, "data/07_model_output/generated_events").glob("part-*.parquet"))) > 1
    assert report["csv_round_trip"]["events_read"] == generated.num_rows
    csv_path = latest(project, "data/07_model_output/generated_events.csv.gz")
    assert DarkMachinesCsvDataset(str(csv_path)).load().num_rows == generated.num_rows
    phi = pc.list_flatten(generated.column("obj_phi")).to_numpy()
    assert (np.abs(phi) <= np.pi).all()

    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    (run,) = client.search_runs([client.get_experiment_by_name("collider_vae").experiment_id])
    assert len(client.get_metric_history(run.info.run_id, "generate.training.train_loss")) == 3
    assert "generate.buffer.mean_js" in run.data.metrics
    assert "generate.prior.holes_fraction" in run.data.metrics
    artifacts = {item.path for item in client.list_artifacts(run.info.run_id, "reporting")}
    assert {"reporting/generation_quality.json", "reporting/generation_histograms.png", "reporting/generation_holes.png"} <= artifacts


def test_generate_pipeline_on_real_ttbar(project, real_data_dir):  # noqa: F811
    write_fast_parameters(project, ["ttbar"])
    with KedroSession.create(project_path=project, runtime_params={"raw_dir": str(real_data_dir)}) as session:
        session.run(pipeline_names=["generate"])
    report = json.loads(latest(project, "data/08_reporting/generation_quality.json").read_text())
    assert report["csv_round_trip"]["events_read"] == report["generation"]["n_events"]
    assert report["summary"]["monte_carlo"]["physical_fraction"] > 0
