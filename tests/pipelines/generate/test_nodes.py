"""Tests of the generate pipeline's CSV round-trip check on chunked inputs."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from collider_vae.darkmachines.lines import LineBlock
from collider_vae.darkmachines.parser import parse_block
from collider_vae.pipelines.generate.nodes import check_csv_round_trip
from tests.synthetic import synthetic_lines


def _written(tmp_path: Path, events: pa.Table, part_sizes: list[int]) -> pads.Dataset:
    paths, start = [], 0
    for index, size in enumerate(part_sizes):
        paths.append(str(tmp_path / f"part-{index:05d}.parquet"))
        pq.write_table(events.slice(start, size), paths[-1])
        start += size
    return pads.dataset(paths, format="parquet")


@pytest.fixture
def events() -> pa.Table:
    block = LineBlock.from_bytes(("\n".join(synthetic_lines(12, "ttbar", 4)) + "\n").encode())
    return parse_block(block, "f.csv", "generated").events


def test_round_trip_aligns_blocks_and_parts(tmp_path, events):
    written = _written(tmp_path, events, [5, 4, 3])
    read_blocks = [events.slice(0, 7), events.slice(7, 5)]
    counts = check_csv_round_trip(iter(read_blocks), written)
    assert counts["events_read"] == counts["events_written"] == 12
    assert counts["objects_read"] == counts["objects_written"] == len(events.column("obj_pt_mev").combine_chunks().flatten())
    assert counts["max_relative_pt_change"] == 0.0


def test_round_trip_raises_on_missing_events(tmp_path, events):
    written = _written(tmp_path, events, [6, 6])
    with pytest.raises(RuntimeError, match="does not read back whole"):
        check_csv_round_trip(iter([events.slice(0, 10)]), written)


def test_round_trip_measures_changed_values(tmp_path, events):
    written = _written(tmp_path, events, [12])
    pt = events.column("obj_pt_mev").combine_chunks()
    changed = pa.ListArray.from_arrays(pt.offsets, pc.multiply(pt.flatten(), 1.001))
    read = events.set_column(events.schema.get_field_index("obj_pt_mev"), "obj_pt_mev", changed)
    counts = check_csv_round_trip(iter([read]), written)
    assert counts["max_relative_pt_change"] == pytest.approx(0.001)
