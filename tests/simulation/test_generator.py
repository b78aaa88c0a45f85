"""Generation of one process and of several in parallel: files, determinism and failures."""

from __future__ import annotations

import dataclasses
import math

import pytest

from collider_vae.physics.objects import JET_TYPES, LEPTON_TYPES, OBJECT_TYPES, PHOTON_TYPES
from collider_vae.simulation.generator import ProcessGenerationError, generate_process, output_path
from collider_vae.simulation.processes import ProcessSpec, process_specs_from_parameters
from collider_vae.simulation.runner import SimulationError, generate_all

from .conftest import read_events

TTBAR = ProcessSpec(
    name="ttbar",
    kind="background",
    pythia_settings=("Top:gg2ttbar = on", "Top:qqbar2ttbar = on"),
    n_events=120,
    seed=4242,
)
BROKEN = dataclasses.replace(TTBAR, name="broken", pythia_settings=("Top:gg2ttbar = on", "NoSuchGroup:noSuchFlag = on"))


@pytest.fixture(scope="module")
def ttbar_result(tmp_path_factory, detector_config):
    return generate_process(TTBAR, detector_config, 10.0, tmp_path_factory.mktemp("first"), chunk_size=50)


def test_same_seed_gives_identical_bytes(ttbar_result, tmp_path, detector_config):
    again = generate_process(TTBAR, detector_config, 10.0, tmp_path, chunk_size=50)
    with open(ttbar_result.path, "rb") as first, open(again.path, "rb") as second:
        assert first.read() == second.read()


def test_other_seed_gives_other_events(ttbar_result, tmp_path, detector_config):
    other = generate_process(dataclasses.replace(TTBAR, seed=4243), detector_config, 10.0, tmp_path, chunk_size=50)
    with open(ttbar_result.path, "rb") as first, open(other.path, "rb") as second:
        assert first.read() != second.read()


def test_file_in_kind_folder(ttbar_result, tmp_path):
    assert ttbar_result.path.endswith("background/ttbar.csv.gz")
    assert output_path(tmp_path, TTBAR) == tmp_path / "background" / "ttbar.csv.gz"


def test_lines_round_trip(ttbar_result, detector_config):
    events = read_events(ttbar_result.path)
    acceptance = detector_config["objects"]
    selection = detector_config["selection"]
    acceptance_key = {"j": "jet", "b": "jet", "e-": "electron", "e+": "electron", "m-": "muon", "m+": "muon", "g": "photon"}
    limits = {}
    for code in OBJECT_TYPES:
        cut = acceptance[acceptance_key[code]]
        limits[code] = (cut["pt_min_gev"] * 1000.0, cut["eta_max"])

    assert len(events) == ttbar_result.n_stored
    assert 0 < ttbar_result.n_stored <= ttbar_result.n_generated == TTBAR.n_events
    event_ids = [event.event_id for event in events]
    assert event_ids == sorted(set(event_ids))
    assert all(1 <= event_id <= TTBAR.n_events for event_id in event_ids)
    for event in events:
        assert event.process_id == "ttbar"
        assert event.weight == pytest.approx(ttbar_result.weight, rel=1e-6)
        assert event.met_mev >= 0.0
        assert -math.pi <= event.met_phi <= math.pi
        pts = [obj[2] for obj in event.objects]
        assert pts == sorted(pts, reverse=True)
        for code, energy_mev, pt_mev, eta, phi in event.objects:
            assert code in OBJECT_TYPES
            assert pt_mev > limits[code][0]
            assert abs(eta) < limits[code][1]
            assert -math.pi <= phi <= math.pi
            assert energy_mev >= pt_mev * (1.0 - 1e-6)
        triggers = [
            obj
            for obj in event.objects
            if (obj[0] in JET_TYPES and obj[2] > selection["jet_pt_min_gev"] * 1000.0)
            or (obj[0] in LEPTON_TYPES | PHOTON_TYPES and obj[2] > selection["lepton_photon_pt_min_gev"] * 1000.0)
        ]
        assert triggers, f"event {event.event_id} fails the storage selection"


def test_weight_is_sigma_lumi_over_n(ttbar_result):
    assert ttbar_result.weight == pytest.approx(ttbar_result.cross_section_fb * 10.0 / TTBAR.n_events)
    # Pythia's leading-order top-pair cross section at 13 TeV is about 510 pb.
    assert 3.0e5 < ttbar_result.cross_section_fb < 8.0e5


def test_min_ht_cut_applied(tmp_path, detector_config):
    spec = dataclasses.replace(TTBAR, n_events=60, min_ht_gev=400.0)
    result = generate_process(spec, detector_config, 10.0, tmp_path, chunk_size=60)
    events = read_events(result.path)
    assert result.n_stored < spec.n_events
    for event in events:
        ht_mev = sum(obj[2] for obj in event.objects if obj[0] in JET_TYPES)
        assert ht_mev >= 400_000.0 * (1.0 - 1e-6)


def test_broken_setting_names_process(tmp_path, detector_config):
    with pytest.raises(ProcessGenerationError, match=r"'broken'.*NoSuchGroup:noSuchFlag"):
        generate_process(BROKEN, detector_config, 10.0, tmp_path, chunk_size=50)
    assert not output_path(tmp_path, BROKEN).exists()
    assert not list(tmp_path.rglob("*.csv*"))


def test_failure_keeps_other_files(tmp_path, detector_config):
    good = dataclasses.replace(TTBAR, n_events=40)
    with pytest.raises(SimulationError, match=r"1 of 2 processes failed:\n.*'broken'.*NoSuchGroup") as raised:
        generate_all([BROKEN, good], detector_config, 10.0, tmp_path, chunk_size=40, n_workers=2)
    assert "'ttbar'" not in str(raised.value)
    assert len(read_events(output_path(tmp_path, good))) > 0


def test_parameters_rejected(simulate_parameters):
    processes = simulate_parameters["processes"]
    bad_cases = [
        ({"kind": "noise"}, "kind"),
        ({"n_events": 0}, "n_events"),
        ({"seed": 0}, "seed"),
        ({"pythia": []}, "no Pythia settings"),
    ]
    for change, message in bad_cases:
        entry = {**processes["ttbar"], **change}
        with pytest.raises(ValueError, match=message):
            process_specs_from_parameters({"ttbar": entry})

    for name in ("tt;bar", "top/pairs", ""):
        with pytest.raises(ValueError, match="name"):
            process_specs_from_parameters({name: processes["ttbar"]})


def test_default_processes_cover_issue_list(simulate_parameters):
    specs = process_specs_from_parameters(simulate_parameters["processes"])
    kinds = {spec.name: spec.kind for spec in specs}
    assert {"ttbar", "single_top", "w_jets", "z_ll_jets", "z_nunu_jets", "ww", "wz", "zz", "gamma_jets", "njets"} <= {
        name for name, kind in kinds.items() if kind == "background"
    }
    assert len({spec.seed for spec in specs}) == len(specs)
    assert sum(kind == "signal" for kind in kinds.values()) >= 4
