"""Fixtures for the simulation tests: the project's parameters and a reader of simulated files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from collider_vae.darkmachines.lines import iter_line_blocks
from collider_vae.darkmachines.parser import ParseOptions, parse_block

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ParsedEvent:
    event_id: int
    process_id: str
    weight: float
    met_mev: float
    met_phi: float
    objects: list[tuple[str, float, float, float, float]]


def read_events(path: str | Path) -> list[ParsedEvent]:
    """Read a simulated file through the project's ingest parser in strict mode.

    Strict mode raises on the first line that ingest would reject, so every
    test that reads a file also checks that it ingests without a reject.
    """
    events = []
    for block in iter_line_blocks(path):
        parsed = parse_block(block, Path(path).name, "background", ParseOptions(strict=True))
        assert parsed.rejects.num_rows == 0
        for row in parsed.events.to_pylist():
            objects = list(zip(row["obj_type"], row["obj_e_mev"], row["obj_pt_mev"], row["obj_eta"], row["obj_phi"]))
            events.append(ParsedEvent(row["event_id"], row["process_id"], row["weight"], row["met_mev"], row["met_phi"], objects))
    return events


def _load_parameters(name: str, key: str) -> dict:
    with open(PROJECT_ROOT / "conf" / "base" / name, encoding="utf-8") as stream:
        return yaml.safe_load(stream)[key]


@pytest.fixture(scope="session")
def detector_config() -> dict:
    return _load_parameters("parameters_simulate_detector.yml", "simulate_detector")


@pytest.fixture(scope="session")
def simulate_parameters() -> dict:
    return _load_parameters("parameters_simulate.yml", "simulate")
