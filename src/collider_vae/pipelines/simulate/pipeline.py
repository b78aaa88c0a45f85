"""The simulate pipeline: generate processes and write DarkMachines CSV files."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.simulate.nodes import generate_events, select_processes


def create_pipeline(**kwargs) -> Pipeline:
    """Create the simulate pipeline; its summary output ``simulate_summary`` stays in memory."""
    return Pipeline(
        [
            node(
                select_processes,
                inputs="params:simulate",
                outputs="simulate_processes",
                name="select_simulate_processes",
            ),
            node(
                generate_events,
                inputs=["simulate_processes", "params:simulate", "params:simulate_detector"],
                outputs="simulate_summary",
                name="generate_simulated_events",
            ),
        ]
    )
