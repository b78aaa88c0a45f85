"""Tests of the preprocessing nodes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from collider_vae.darkmachines.lines import LineBlock
from collider_vae.darkmachines.parser import parse_block
from collider_vae.features.layout import FeatureLayout
from collider_vae.pipelines.preprocessing.nodes import build_features, fit_scaler, select_channel, split_events
from tests.synthetic import synthetic_lines

SPLIT = {"fractions": {"train": 0.5, "validation": 0.25, "test": 0.25}, "salt": "s"}


def events_from_lines(lines: list[str], sample: str = "background") -> pa.Table:
    block = LineBlock.from_bytes(("\n".join(lines) + "\n").encode())
    return parse_block(block, "f.csv", sample).events


@pytest.fixture
def events() -> pa.Table:
    background = events_from_lines(synthetic_lines(400, "tt", seed=0))
    signal = events_from_lines(synthetic_lines(50, "sig", seed=1), sample="sig")
    return pa.concat_tables([background, signal])


def test_split_labels_background_and_signal(events):
    labelled = split_events(events, SPLIT)
    labels = labelled.column("split").to_pylist()
    samples = labelled.column("sample").to_pylist()
    assert {label for label, sample in zip(labels, samples) if sample == "sig"} == {"signal"}
    assert {label for label, sample in zip(labels, samples) if sample == "background"} == {"train", "validation", "test"}


def test_scaler_ignores_validation_test_and_signal(events):
    labelled = split_events(events, SPLIT)
    scaler = fit_scaler(labelled, n_slots=4)
    split = np.array(labelled.column("split").to_pylist())
    # Scaling every non-training event's pT by 100 must not move the fit.
    pt = labelled.column("obj_pt_mev").to_pylist()
    changed = [[v * 100 for v in row] if label != "train" else row for row, label in zip(pt, split)]
    index = labelled.schema.get_field_index("obj_pt_mev")
    altered = labelled.set_column(index, "obj_pt_mev", pa.array(changed, pa.list_(pa.float64())))
    assert fit_scaler(altered, n_slots=4) == scaler


def test_features_have_metadata_and_layout_columns(events):
    labelled = split_events(events, SPLIT)
    table = build_features(labelled, fit_scaler(labelled, 4), n_slots=4)
    layout = FeatureLayout(4)
    assert len(table) == events.num_rows
    assert list(table.columns[-layout.n_features :]) == layout.names
    assert table[layout.names].notna().all().all()


def test_features_reject_non_finite_values(events):
    labelled = split_events(events, SPLIT)
    scaler = fit_scaler(labelled, 4)
    scaler["std"]["eta"] = 0.0  # division by zero gives infinite features
    with pytest.raises(ValueError, match="non-finite features; first: f.csv, line"):
        build_features(labelled, scaler, n_slots=4)


def test_channel_selection_keeps_subset(events):
    assert select_channel(events, "none").num_rows == events.num_rows
    assert select_channel(events, "chan3").num_rows < events.num_rows


def test_split_rejects_too_few_background_events(events):
    few = events.slice(0, 10)
    with pytest.raises(ValueError, match="Too few background events to train on"):
        split_events(few, SPLIT)
