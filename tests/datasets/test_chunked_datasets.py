"""Tests of the datasets that a generator node writes in chunks."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
import pytest
from kedro.io import Version

from collider_vae.darkmachines.lines import LineBlock
from collider_vae.darkmachines.parser import parse_block
from collider_vae.datasets.chunk import Chunk
from collider_vae.datasets.chunked_parquet import ChunkedParquetDataset, take_sorted_rows
from collider_vae.datasets.darkmachines_csv import DarkMachinesCsvDataset
from tests.synthetic import synthetic_lines


def _events(n_events: int, seed: int) -> pa.Table:
    block = LineBlock.from_bytes(("\n".join(synthetic_lines(n_events, "ttbar", seed)) + "\n").encode())
    return parse_block(block, "f.csv", "generated").events


def test_parquet_chunks_load_whole_or_lazily(tmp_path):
    chunks = [_events(3, 0), _events(5, 1)]
    saver = ChunkedParquetDataset(str(tmp_path / "events"), version=Version(None, "v1"))
    for chunk in chunks:
        saver.save(chunk)
    whole = ChunkedParquetDataset(str(tmp_path / "events"), version=Version(None, None)).load()
    lazy = ChunkedParquetDataset(str(tmp_path / "events"), load_args={"lazy": True}, version=Version(None, None)).load()
    assert isinstance(lazy, pads.Dataset)
    assert lazy.count_rows() == whole.num_rows == 8
    assert lazy.to_table().equals(whole)
    assert whole.column("event_id").to_pylist() == pa.concat_tables(chunks).column("event_id").to_pylist()


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_csv_saves_of_one_run_append(tmp_path, suffix):
    chunks = [_events(4, 2), _events(6, 3)]
    path = str(tmp_path / f"events{suffix}")
    saver = DarkMachinesCsvDataset(path, version=Version(None, "v1"))
    for chunk in chunks:
        saver.save(chunk)
    whole = DarkMachinesCsvDataset(path, version=Version(None, None)).load()
    lazy = DarkMachinesCsvDataset(path, load_args={"lazy": True}, version=Version(None, None)).load()
    assert whole.num_rows == 10
    assert sum(table.num_rows for table in lazy) == 10
    expected = pa.concat_tables(chunks).column("obj_pt_mev").combine_chunks().flatten().to_pylist()
    assert whole.column("obj_pt_mev").combine_chunks().flatten().to_pylist() == pytest.approx(expected, rel=1e-5)


def test_sorted_rows_are_taken_across_parts(tmp_path):
    chunks = [_events(3, 4), _events(4, 5), _events(2, 6)]
    saver = ChunkedParquetDataset(str(tmp_path / "events"), version=Version(None, "v1"))
    for chunk in chunks:
        saver.save(chunk)
    lazy = ChunkedParquetDataset(str(tmp_path / "events"), load_args={"lazy": True}, version=Version(None, None)).load()
    rows = np.array([0, 2, 3, 6, 8])
    selected = take_sorted_rows(lazy, rows)
    assert selected.equals(pa.concat_tables(chunks).take(pa.array(rows)))


def test_chunk_is_saved_once_and_then_empty(tmp_path):
    chunk = Chunk(_events(2, 7))
    ChunkedParquetDataset(str(tmp_path / "events"), version=Version(None, "v1")).save(chunk)
    with pytest.raises(RuntimeError, match="already saved"):
        chunk.take()
    assert ChunkedParquetDataset(str(tmp_path / "events"), version=Version(None, None)).load().num_rows == 2
