"""Shared test settings and fixtures: thread limits and the location of real data.

The tests run with one compute thread per numerical library. The test data are
small, so extra threads gain little. On a 2-core machine shared with other jobs,
OpenMP threads that spin while waiting for a core made the suite about ten times
slower (145 s against 12 s, measured once).
"""

from __future__ import annotations

import os
from pathlib import Path

import mlflow
import pytest
import torch
from threadpoolctl import threadpool_limits

torch.set_num_threads(1)
threadpool_limits(limits=1)

os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA_DIR = Path(
    os.environ.get("COLLIDER_VAE_REAL_DATA", PROJECT_ROOT.parent / "shared" / "data" / "darkmachines-3lep")
)

VALID_LINES = [
    "94;ttbar;1;112288;1.74766;b,331927,147558,-1.44969,-1.76399;j,100406,85589,-0.568259,-1.17144;",
    "95;ttbar;1;30751.1;1.12609;j,399164,56118.7,-2.6492,-1.45857;m-,52365.4,52268.2,-0.0609488,2.88948;",
    "96;zw;6.4e-05;72916;0.671527;e-,500191,114471,-2.15445,-1.75094;e+,208729,51655.3,-2.07392,-3.0253;",
]


@pytest.fixture
def real_data_dir() -> Path:
    """The real DarkMachines three-lepton files, or a skip when they are absent."""
    if not (REAL_DATA_DIR / "background").is_dir():
        pytest.skip(f"real DarkMachines files not found in {REAL_DATA_DIR}; set COLLIDER_VAE_REAL_DATA")
    return REAL_DATA_DIR


@pytest.fixture(autouse=True)
def isolated_mlflow_state():
    """Restore the environment and MLflow's global state after every test.

    kedro-mlflow sets the tracking URI and MLFLOW_EXPERIMENT_ID, and reopens its
    run at every node, which can leave several entries on MLflow's run stack.
    Without this reset, a later test would log to an earlier test's database.
    """
    saved_environment = dict(os.environ)
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()
    os.environ.clear()
    os.environ.update(saved_environment)
    mlflow.tracking.fluent._active_experiment_id = None
    mlflow.set_tracking_uri(None)
