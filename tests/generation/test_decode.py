"""Tests of decoding into physical events and of the CSV round trip through ingest."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from kedro.io import DatasetError

from collider_vae.darkmachines.lines import iter_line_blocks
from collider_vae.darkmachines.parser import parse_block
from collider_vae.darkmachines.schema import EVENTS_SCHEMA
from collider_vae.darkmachines.writer import write_csv
from collider_vae.datasets.darkmachines_csv import DarkMachinesCsvDataset
from collider_vae.generation.buffer import PriorSampler
from collider_vae.generation.decode import decode_batch
from collider_vae.generation.generator import generate_batches
from collider_vae.physics.objects import TYPE_INDEX
from tests.generation.helpers import LAYOUT, SCALER, small_model


def one_event_outputs() -> np.ndarray:
    """Outputs for one event: slot 0 a muon, slot 1 below threshold, slot 2 a jet with low E and phi beyond pi."""
    outputs = np.zeros((1, LAYOUT.n_features), dtype=np.float32)
    outputs[0, LAYOUT.exists] = [3.0, -3.0, 0.5]
    outputs[0, LAYOUT.types[0, TYPE_INDEX["m-"]]] = 5.0
    outputs[0, LAYOUT.types[2, TYPE_INDEX["j"]]] = 5.0
    outputs[0, LAYOUT.kinematics[0]] = [0.5, 0.0, 0.2, 0.1]
    outputs[0, LAYOUT.kinematics[2]] = [-3.0, 0.0, 1.5, 4.0 / SCALER.std["phi"]]  # scaled phi of 4 rad
    return outputs


def test_decode_builds_valid_objects():
    batch = decode_batch(one_event_outputs(), np.array(["ttbar"]), SCALER, LAYOUT)
    event = batch.events.to_pylist()[0]
    assert batch.events.schema == EVENTS_SCHEMA
    assert event["obj_type"] == ["m-", "j"]  # the empty middle slot is dropped
    assert event["obj_phi"][1] == pytest.approx(4.0 - 2 * np.pi)
    pt, eta, energy = event["obj_pt_mev"][1], event["obj_eta"][1], event["obj_e_mev"][1]
    assert energy >= pt * np.cosh(eta)
    assert batch.n_energy_raised == 1
    assert event["process_id"] == "ttbar"


def test_decode_threshold_controls_existence():
    strict = decode_batch(one_event_outputs(), np.array(["ttbar"]), SCALER, LAYOUT, existence_threshold=0.9)
    assert strict.events.to_pylist()[0]["obj_type"] == ["m-"]  # sigmoid(0.5) = 0.62 < 0.9


def generated_table(n: int = 3000) -> pa.Table:
    batches = generate_batches(small_model(seed=5), PriorSampler(4, seed=1), n, SCALER, LAYOUT, batch_size=1000, progress=False)
    return pa.concat_tables([batch.events for batch in batches])


def test_csv_round_trip_through_ingest(tmp_path):
    events = generated_table()
    path = tmp_path / "generated.csv.gz"
    assert write_csv(events, path) == events.num_rows
    parsed = [parse_block(block, path.name, "generated") for block in iter_line_blocks(path)]
    assert sum(part.rejects.num_rows for part in parsed) == 0
    read = parsed[0].events
    assert read.num_rows == events.num_rows
    assert read.column("obj_type").to_pylist() == events.column("obj_type").to_pylist()
    for column in ("obj_e_mev", "obj_pt_mev", "obj_eta", "obj_phi"):
        written = pc.list_flatten(events.column(column)).to_numpy()
        again = pc.list_flatten(read.column(column)).to_numpy()
        assert np.allclose(again, written, rtol=1e-6, atol=1e-6), column
    energy = pc.list_flatten(read.column("obj_e_mev")).to_numpy()
    pt = pc.list_flatten(read.column("obj_pt_mev")).to_numpy()
    eta = pc.list_flatten(read.column("obj_eta")).to_numpy()
    assert (energy >= pt * np.cosh(eta)).all()  # rounding did not break E >= pT cosh(eta)


def test_csv_dataset_round_trip(tmp_path):
    events = generated_table(500)
    dataset = DarkMachinesCsvDataset(str(tmp_path / "generated.csv.gz"))
    dataset.save(events)
    loaded = dataset.load()
    assert loaded.num_rows == events.num_rows
    assert loaded.column("event_id").to_pylist() == events.column("event_id").to_pylist()


def test_csv_dataset_raises_on_invalid_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("1;ttbar;1;1000;0.1;j,100,-5,0.1,0.2;\n")
    with pytest.raises(DatasetError, match="bad.csv, line 1, field object 1 pt: negative value"):
        DarkMachinesCsvDataset(str(path)).load()
