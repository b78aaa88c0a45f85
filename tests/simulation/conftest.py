"""Fixtures for the simulation tests: the project's parameters and a line parser."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ParsedEvent:
    event_id: int
    process_id: str
    weight: float
    met_mev: float
    met_phi: float
    objects: list[tuple[str, float, float, float, float]]


def parse_line(line: str) -> ParsedEvent:
    """Parse one DarkMachines line strictly: five header fields, then five fields per object.

    TODO: switch to the project's ingest parser in collider_vae.darkmachines
    once it is on this branch, so that the tests also count its rejects.
    """
    assert line.endswith(";"), f"line does not end with ';': {line!r}"
    fields = line[:-1].split(";")
    assert len(fields) >= 5, f"line has fewer than five header fields: {line!r}"
    objects = []
    for field in fields[5:]:
        parts = field.split(",")
        assert len(parts) == 5, f"object field does not have five parts: {field!r}"
        objects.append((parts[0], *(float(value) for value in parts[1:])))
    return ParsedEvent(int(fields[0]), fields[1], float(fields[2]), float(fields[3]), float(fields[4]), objects)


def read_events(path: str | Path) -> list[ParsedEvent]:
    with gzip.open(path, "rt", encoding="ascii") as stream:
        return [parse_line(line.rstrip("\n")) for line in stream]


def _load_parameters(name: str, key: str) -> dict:
    with open(PROJECT_ROOT / "conf" / "base" / name, encoding="utf-8") as stream:
        return yaml.safe_load(stream)[key]


@pytest.fixture(scope="session")
def detector_config() -> dict:
    return _load_parameters("parameters_simulate_detector.yml", "simulate_detector")


@pytest.fixture(scope="session")
def simulate_parameters() -> dict:
    return _load_parameters("parameters_simulate.yml", "simulate")
