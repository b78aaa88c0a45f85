"""Tests of slot ordering, scaling, encoding, splits and channel selections."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from collider_vae.darkmachines.schema import EVENTS_SCHEMA
from collider_vae.features.encode import encode_slots, met_columns
from collider_vae.features.layout import FeatureLayout
from collider_vae.features.scaler import FeatureScaler
from collider_vae.features.slots import order_into_slots
from collider_vae.physics.channels import channel_mask
from collider_vae.splitting import assign_split

FRACTIONS = {"train": 0.6, "validation": 0.2, "test": 0.2}


def make_events(rows: list[dict]) -> pa.Table:
    filled = []
    for index, row in enumerate(rows):
        n = len(row["obj_type"])
        filled.append(
            {
                "sample": "background", "source_file": "f.csv", "line_number": index + 1,
                "event_id": index, "process_id": "tt", "weight": 1.0,
                "met_mev": row.get("met_mev", 10_000.0), "met_phi": 0.5, "energy_recomputed": False,
                "obj_e_mev": row.get("obj_e_mev", [x * 2 for x in row["obj_pt_mev"]]),
                "obj_eta": row.get("obj_eta", [0.1] * n), "obj_phi": row.get("obj_phi", [0.2] * n),
                **row,
            }
        )
    return pa.Table.from_pylist(filled, schema=EVENTS_SCHEMA)


def test_slots_ordered_by_pt_and_truncated():
    events = make_events([{"obj_type": ["e-", "j", "b"], "obj_pt_mev": [30e3, 90e3, 60e3]}, {"obj_type": [], "obj_pt_mev": []}])
    slots = order_into_slots(events, n_slots=2)
    assert slots.pt_mev[0].tolist() == [90e3, 60e3]
    assert slots.type_index[0].tolist() == [0, 1]
    assert slots.exists.tolist() == [[True, True], [False, False]]
    assert slots.n_dropped == 1


def test_encoding_sets_one_hot_and_existence():
    events = make_events([{"obj_type": ["m+", "g"], "obj_pt_mev": [50e3, 40e3]}, {"obj_type": ["j"], "obj_pt_mev": [70e3]}])
    layout = FeatureLayout(n_slots=3)
    slots = order_into_slots(events, 3)
    scaler = FeatureScaler.fit(slots, *met_columns(events))
    x = encode_slots(slots, *met_columns(events), scaler, layout)
    assert x.shape == (2, layout.n_features)
    assert x[0, layout.exists].tolist() == [1, 1, 0]
    assert x[0, layout.types[0]].tolist() == [0, 0, 0, 0, 0, 1, 0]
    assert x[0, layout.types[1]].tolist() == [0, 0, 0, 0, 0, 0, 1]
    assert not x[0, layout.types[2]].any()
    assert not x[1, layout.kinematics[1]].any()
    assert len(layout.names) == layout.n_features


def test_scaler_round_trip_and_inverse():
    events = make_events([{"obj_type": ["j"], "obj_pt_mev": [p]} for p in (30e3, 60e3, 120e3)])
    slots = order_into_slots(events, 1)
    scaler = FeatureScaler.fit(slots, *met_columns(events))
    again = FeatureScaler.from_dict(scaler.to_dict())
    values = np.array([1.0, 2.0])
    assert np.allclose(again.inverse("log_pt", again.transform("log_pt", values)), values)


def test_split_depends_on_ids_not_order():
    rng = np.random.default_rng(1)
    processes = rng.choice(["tt", "zz"], 5000)
    ids = rng.integers(0, 10**9, 5000)
    split = assign_split(processes, ids, FRACTIONS, "salt")
    order = rng.permutation(5000)
    assert (assign_split(processes[order], ids[order], FRACTIONS, "salt") == split[order]).all()
    assert abs(np.mean(split == "train") - 0.6) < 0.03
    assert (assign_split(processes, ids, FRACTIONS, "other") != split).any()


def test_split_rejects_bad_fractions():
    with pytest.raises(ValueError, match="sum to 1"):
        assign_split(np.array(["a"]), np.array([1]), {"train": 0.5, "validation": 0.1, "test": 0.1}, "s")


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("none", [True, True, True]), ("chan3", [True, False, False]), ("chan2a", [False, True, False]), ("chan2b", [False, False, True])],
)
def test_channel_selections(channel, expected):
    events = make_events(
        [
            {"obj_type": ["j", "j"], "obj_pt_mev": [400e3, 300e3], "met_mev": 150e3},
            {"obj_type": ["e-", "m+", "m-"], "obj_pt_mev": [40e3, 30e3, 20e3], "met_mev": 60e3},
            {"obj_type": ["e-", "e+", "j"], "obj_pt_mev": [40e3, 30e3, 60e3], "met_mev": 60e3},
        ]
    )
    assert channel_mask(events, channel).tolist() == expected


def test_unknown_channel_is_rejected():
    with pytest.raises(ValueError, match="Unknown channel 'chan9'"):
        channel_mask(make_events([]), "chan9")
