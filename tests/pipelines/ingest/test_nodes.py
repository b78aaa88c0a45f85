"""Tests of the ingest nodes: streaming, reconciliation and folder checks."""

from __future__ import annotations

import logging

import pyarrow as pa
import pytest

from collider_vae.darkmachines.writer import write_csv
from collider_vae.datasets.raw_folder import DarkMachinesFolderDataset
from collider_vae.pipelines.ingest.nodes import ingest_events, summarise_ingest
from tests.conftest import VALID_LINES

PARAMETERS = {"strict": False, "recompute_missing_energy": False, "block_bytes": 1 << 20}


def make_raw_folder(root, background: dict[str, str], signal: dict[str, str] | None = None):
    for kind, files in (("background", background), ("signal", signal or {})):
        (root / kind).mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (root / kind / name).write_text(text)
    return DarkMachinesFolderDataset(str(root)).load()


def run_ingest(raw_folder, parameters=PARAMETERS):
    chunks = [tuple(chunk.take() for chunk in chunks) for chunks in ingest_events(raw_folder, parameters)]
    events, rejects, counts = (pa.concat_tables(part) for part in zip(*chunks))
    return events, rejects, counts


def test_kept_plus_rejected_equals_lines_read(tmp_path):
    bad = "1;tt;1;1x;0.1;\n2;tt;1;100;0.1;j,1,1;\n"
    folder = make_raw_folder(
        tmp_path,
        {"tt.csv": "\n".join(VALID_LINES) + "\n" + bad},
        {"sig_a.csv": VALID_LINES[0] + "\n\n"},
    )
    events, rejects, counts = run_ingest(folder)
    report = summarise_ingest(counts, rejects)
    assert report["totals"]["lines_read"] == 6
    assert report["totals"]["kept"] == events.num_rows == 4
    assert report["totals"]["rejected"] == rejects.num_rows == 2
    assert report["totals"]["blank_lines"] == 1
    assert report["rejected_by_field"] == {"MET": 1, "object 1": 1}
    assert set(events.column("sample").to_pylist()) == {"background", "sig_a"}


def test_unbalanced_counts_raise(tmp_path):
    folder = make_raw_folder(tmp_path, {"tt.csv": VALID_LINES[0] + "\n"})
    _, rejects, counts = run_ingest(folder)
    tampered = counts.set_column(counts.schema.get_field_index("kept"), "kept", pa.array([0], pa.int64()))
    with pytest.raises(RuntimeError, match="do not add up"):
        summarise_ingest(tampered, rejects)


def test_empty_file_gives_zero_events_and_warning(tmp_path, caplog):
    folder = make_raw_folder(tmp_path, {"empty.csv": "", "tt.csv": VALID_LINES[0] + "\n"})
    with caplog.at_level(logging.WARNING):
        events, rejects, counts = run_ingest(folder)
    report = summarise_ingest(counts, rejects)
    empty = [row for row in report["files"] if row["source_file"] == "background/empty.csv"]
    assert empty[0]["lines_read"] == 0
    assert events.num_rows == 1
    assert "background/empty.csv: no events" in caplog.text


def test_missing_background_names_folder(tmp_path):
    folder = make_raw_folder(tmp_path, {}, {"sig.csv": VALID_LINES[0] + "\n"})
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        list(ingest_events(folder, PARAMETERS))


def test_signal_name_comes_from_file_stem(tmp_path):
    folder = make_raw_folder(tmp_path, {"tt.csv": VALID_LINES[0] + "\n"}, {"zprime_2tev.csv.gz": ""})
    assert [raw.sample for raw in folder.files] == ["background", "zprime_2tev"]


def test_written_csv_reads_back_identically(tmp_path):
    folder = make_raw_folder(tmp_path / "in", {"tt.csv": "\n".join(VALID_LINES) + "\n"})
    events, _, _ = run_ingest(folder)
    (tmp_path / "out" / "background").mkdir(parents=True)
    write_csv(events, tmp_path / "out" / "background" / "tt.csv.gz")
    again, rejects, _ = run_ingest(DarkMachinesFolderDataset(str(tmp_path / "out")).load())
    assert rejects.num_rows == 0
    for column in ("event_id", "process_id", "weight", "met_mev", "obj_type", "obj_pt_mev", "obj_eta"):
        assert again.column(column).to_pylist() == events.column(column).to_pylist()


def test_real_files_reconcile(real_data_dir):
    folder = DarkMachinesFolderDataset(str(real_data_dir)).load()
    events, rejects, counts = run_ingest(folder)
    report = summarise_ingest(counts, rejects)
    totals = report["totals"]
    assert totals["kept"] + totals["rejected"] == totals["lines_read"]
    assert totals["kept"] > 2000
    assert set(rejects.column("field").to_pylist()) <= {f"object {i} E" for i in range(1, 30)}
