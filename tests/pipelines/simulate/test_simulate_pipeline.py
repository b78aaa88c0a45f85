"""The simulate pipeline: its nodes, its registration and a KedroSession run."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
import yaml
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from collider_vae.pipeline_registry import register_pipelines
from collider_vae.pipelines.simulate import create_pipeline
from collider_vae.pipelines.simulate.nodes import select_processes

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def _simulate_parameters() -> dict:
    with open(PROJECT_ROOT / "conf" / "base" / "parameters_simulate.yml", encoding="utf-8") as stream:
        return yaml.safe_load(stream)["simulate"]


def test_pipeline_node_names():
    pipeline = create_pipeline()
    assert [node.name for node in pipeline.nodes] == ["select_simulate_processes", "generate_simulated_events"]
    assert pipeline.outputs() == {"simulate_summary"}


def test_simulate_registered_outside_default():
    bootstrap_project(PROJECT_ROOT)
    pipelines = register_pipelines()
    assert "simulate" in pipelines
    simulate_nodes = {node.name for node in pipelines["simulate"].nodes}
    for name in ("anomaly", "__default__"):
        if name in pipelines:
            assert not simulate_nodes & {node.name for node in pipelines[name].nodes}


def test_select_processes_include():
    parameters = {**_simulate_parameters(), "include": ["zz", "ttbar"]}
    selected = select_processes(parameters)
    assert [entry["name"] for entry in selected] == ["ttbar", "zz"]
    assert selected[0]["pythia_settings"] == ("Top:gg2ttbar = on", "Top:qqbar2ttbar = on")


def test_select_processes_unknown_name():
    parameters = {**_simulate_parameters(), "include": ["ttbar", "no_such_process"]}
    with pytest.raises(ValueError, match="no_such_process"):
        select_processes(parameters)


@pytest.fixture
def isolated_conf(tmp_path, monkeypatch):
    """Copy the project configuration and point MLflow at a database under ``tmp_path``."""
    conf = tmp_path / "conf"
    shutil.copytree(PROJECT_ROOT / "conf", conf, ignore=shutil.ignore_patterns("local"))
    (conf / "local").mkdir()
    mlflow_path = conf / "base" / "mlflow.yml"
    mlflow_config = yaml.safe_load(mlflow_path.read_text(encoding="utf-8"))
    mlflow_config["server"]["mlflow_tracking_uri"] = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow_path.write_text(yaml.safe_dump(mlflow_config), encoding="utf-8")
    # MLflow writes artifacts under ./mlruns, so run from tmp_path.
    monkeypatch.chdir(tmp_path)
    return conf


def test_session_run_writes_files(tmp_path, isolated_conf):
    output_dir = tmp_path / "raw"
    bootstrap_project(PROJECT_ROOT)
    runtime_params = {
        "simulate": {
            "output_dir": str(output_dir),
            "include": ["z_ll_jets"],
            "n_workers": 1,
            "chunk_size": 50,
            "processes": {"z_ll_jets": {"n_events": 60}},
        }
    }
    with KedroSession.create(
        project_path=PROJECT_ROOT, conf_source=str(isolated_conf), runtime_params=runtime_params
    ) as session:
        session.run(pipeline_names=["simulate"])

    written = sorted(path.relative_to(output_dir).as_posix() for path in output_dir.rglob("*") if path.is_file())
    assert written == ["background/z_ll_jets.csv.gz"]
    with gzip.open(output_dir / "background" / "z_ll_jets.csv.gz", "rt", encoding="ascii") as stream:
        lines = stream.read().splitlines()
    assert 0 < len(lines) <= 60
    assert all(line.split(";")[1] == "z_ll_jets" for line in lines)
    assert (tmp_path / "mlflow.db").exists()
