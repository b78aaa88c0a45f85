"""Tests of the vectorised parser and the line check, on good and bad lines."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from collider_vae.darkmachines.diagnose import MalformedLineError, diagnose_line
from collider_vae.darkmachines.clean_block import parse_clean_block
from collider_vae.darkmachines.lines import LineBlock, iter_line_blocks
from collider_vae.darkmachines.parser import ParseOptions, ParsedBlock, parse_block, parse_block_line_checked
from tests.conftest import VALID_LINES


def parse_text(tmp_path: Path, text: str, name: str = "f.csv", **options) -> ParsedBlock:
    path = tmp_path / name
    path.write_bytes(text.encode())
    blocks = [parse_block(b, name, "background", ParseOptions(**options)) for b in iter_line_blocks(path)]
    return ParsedBlock(
        events=pa.concat_tables([block.events for block in blocks]),
        rejects=pa.concat_tables([block.rejects for block in blocks]),
        lines_read=sum(block.lines_read for block in blocks),
        blank_lines=sum(block.blank_lines for block in blocks),
        energy_recomputed=sum(block.energy_recomputed for block in blocks),
    )


def test_valid_lines_keep_every_value(tmp_path):
    parsed = parse_text(tmp_path, "\n".join(VALID_LINES) + "\n")
    rows = parsed.events.to_pylist()
    assert parsed.rejects.num_rows == 0
    assert [row["event_id"] for row in rows] == [94, 95, 96]
    assert rows[0]["obj_type"] == ["b", "j"]
    assert rows[0]["obj_e_mev"] == [331927.0, 100406.0]
    assert rows[0]["obj_phi"] == [-1.76399, -1.17144]
    assert rows[2]["weight"] == pytest.approx(6.4e-05)
    assert rows[1]["met_mev"] == 30751.1
    assert [row["line_number"] for row in rows] == [1, 2, 3]


def test_event_without_objects_is_kept(tmp_path):
    parsed = parse_text(tmp_path, "7;zz;1;100;0.1;\n")
    assert parsed.events.column("obj_type").to_pylist() == [[]]


@pytest.mark.parametrize(
    ("line", "field", "reason_part"),
    [
        ("1;tt;1;12x4;0.1;j,1,1,0,0;", "MET", "not a number"),
        ("1;tt;1;100;0.1;j,1,1.2.3,0,0;", "object 1 pt", "not a number"),
        ("1;tt;1;100;0.1;q,1,1,0,0;", "object 1 type", "unknown object code 'q'"),
        ("1;tt;1;100;0.1;j,1,1,0;", "object 1", "found 4"),
        ("1;tt;1;100", "line", "found 4"),
        ("x1;tt;1;100;0.1;", "eventID", "not an integer"),
        ("1;;1;100;0.1;", "processID", "empty"),
        ("1;tt;1;100;0.1;j,E,50,0.1,0.2;", "object 1 E", "literal 'E'"),
        ("1;tt;1;-100;0.1;", "MET", "negative"),
        ("1;tt;1;100;0.1;j,1,1,0,0;j,1,-5,0,0;", "object 2 pt", "negative"),
        ("1;tt;nan;100;0.1;", "weight", "nan"),
        ("1;tt;1;1e999;0.1;", "MET", "not finite"),
        ("12345678901234567890;tt;1;100;0.1;", "eventID", "at most 18 digits"),
        ("1;1;100;-0.1;j,1,1,0,0;", "line", "before the first object, found 4"),
    ],
)
def test_bad_line_is_rejected_with_field(tmp_path, line, field, reason_part):
    parsed = parse_text(tmp_path, VALID_LINES[0] + "\n" + line + "\n")
    assert parsed.events.num_rows == 1
    rejects = parsed.rejects.to_pylist()
    assert len(rejects) == 1
    assert rejects[0]["field"] == field
    assert reason_part in rejects[0]["reason"]
    assert rejects[0]["line_number"] == 2
    assert rejects[0]["line"] == line


def test_line_check_agrees_with_parser_on_valid_lines():
    for line in VALID_LINES:
        assert diagnose_line(line.rstrip(";")) is None


def test_legacy_codes_map_to_canonical(tmp_path):
    parsed = parse_text(tmp_path, "5;zz;1;100;0.1;mu-,10,5,0,0;mu+,10,5,0,0;a,30,30,0,0;\n")
    assert parsed.events.column("obj_type").to_pylist() == [["m-", "m+", "g"]]


def test_crlf_blank_lines_and_no_final_newline(tmp_path):
    text = VALID_LINES[0] + "\r\n\r\n\n" + VALID_LINES[1] + "\r\n" + VALID_LINES[2]
    parsed = parse_text(tmp_path, text)
    assert parsed.events.column("line_number").to_pylist() == [1, 4, 5]
    assert parsed.rejects.num_rows == 0
    assert parsed.blank_lines == 2
    assert parsed.lines_read == 3


def test_trailing_separator_is_optional(tmp_path):
    parsed = parse_text(tmp_path, VALID_LINES[0].rstrip(";") + "\n" + VALID_LINES[1] + "\n")
    assert parsed.events.num_rows == 2


def test_gzip_input(tmp_path):
    path = tmp_path / "f.csv.gz"
    with gzip.open(path, "wt") as stream:
        stream.write("\n".join(VALID_LINES) + "\n")
    blocks = list(iter_line_blocks(path))
    parsed = parse_block(blocks[0], path.name, "background")
    assert parsed.events.num_rows == 3


def test_missing_energy_recomputed_when_asked(tmp_path):
    parsed = parse_text(
        tmp_path, "3;x1n2;1;100;0.1;j,E,50000,0,0.2;e-,7,5,0,0;\n", recompute_missing_energy=True
    )
    row = parsed.events.to_pylist()[0]
    assert row["obj_e_mev"] == [pytest.approx(50000.0), 7.0]
    assert row["energy_recomputed"] is True
    assert parsed.energy_recomputed == 1


def test_recomputed_energy_that_overflows_is_rejected(tmp_path):
    text = VALID_LINES[0] + "\n3;x1n2;1;100;0.1;j,E,50000,800,0.2;\n"
    parsed = parse_text(tmp_path, text, recompute_missing_energy=True)
    assert parsed.events.num_rows == 1
    assert parsed.energy_recomputed == 0
    assert parsed.rejects.column("field").to_pylist() == ["object 1 E"]
    assert "not finite" in parsed.rejects.column("reason")[0].as_py()


def test_strict_mode_names_file_line_and_field(tmp_path):
    with pytest.raises(MalformedLineError, match=r"f.csv, line 2, field object 1 type"):
        parse_text(tmp_path, VALID_LINES[0] + "\n1;tt;1;100;0.1;zz,1,1,0,0;\n", strict=True)


def test_undecodable_bytes_are_rejected(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(VALID_LINES[0].encode() + b"\n1;tt;1;100;0.1;j,\xff,1,0,0;\n")
    parsed = parse_block(next(iter_line_blocks(path)), "f.csv", "background")
    assert parsed.events.num_rows == 1
    assert parsed.rejects.column("reason").to_pylist() == ["not valid UTF-8 text"]


def test_blocks_keep_line_numbers_across_boundaries(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("\n".join(VALID_LINES * 20) + "\n")
    numbers = []
    for block in iter_line_blocks(path, block_bytes=150):
        numbers += parse_block(block, "f.csv", "background").events.column("line_number").to_pylist()
    assert numbers == list(range(1, 61))


def test_fast_path_matches_line_checked_path():
    lines = [*VALID_LINES, "", "7;zz;1;100;0.1", "8;zz;2.5;1e3;-0.3;mu+,10,5,0.5,-1;a,30,30,0,3.1;\r"]
    block = LineBlock.from_bytes(("\n".join(lines * 50) + "\n").encode(), first_line_number=11)
    clean = parse_clean_block(block, "f.csv", "background")
    checked = parse_block_line_checked(block, "f.csv", "background")
    assert clean is not None
    assert clean[0].equals(checked.events)
    assert clean[1] == checked.blank_lines == 50


@pytest.mark.parametrize(
    "bad_line",
    ["1;tt;1;100;0.1;j,E,5,0,0;", "1;tt;1;-1;0.1;", "1;tt;1;100;0.1;x,1,1,0,0;", "1;;1;1;1;", "1;tt;nan;1;1;", "1;tt;1;1;1;j,1,1,0;"],
)
def test_fast_path_gives_up_on_bad_lines(bad_line):
    block = LineBlock.from_bytes((VALID_LINES[0] + "\n" + bad_line + "\n").encode())
    assert parse_clean_block(block, "f.csv", "background") is None


def test_mixed_block_matches_line_checked_parser():
    lines = [VALID_LINES[0], "2;tt;1;100;0.1;j,E,5,0,0;", " 3;tt;1;100;0.1;", "", VALID_LINES[1], "4;tt;x;1;1;"]
    block = LineBlock.from_bytes(("\n".join(lines * 30) + "\n").encode(), first_line_number=5)
    for options in (ParseOptions(), ParseOptions(recompute_missing_energy=True)):
        parsed = parse_block(block, "f.csv", "background", options)
        checked = parse_block_line_checked(block, "f.csv", "background", options)
        assert parsed.events.equals(checked.events)
        assert parsed.rejects.equals(checked.rejects)
        assert (parsed.lines_read, parsed.blank_lines, parsed.energy_recomputed) == (
            checked.lines_read, checked.blank_lines, checked.energy_recomputed,
        )


def test_strict_mode_mixed_block_first_bad_line():
    text = "\n".join([VALID_LINES[0], " 2;tt;1;100;0.1;", VALID_LINES[1], "4;tt;1;1;1;zz,1,1,0,0;", "5;tt;x;1;1"]) + "\n"
    with pytest.raises(MalformedLineError, match=r"f.csv, line 4, field object 1 type"):
        parse_block(LineBlock.from_bytes(text.encode()), "f.csv", "background", ParseOptions(strict=True))


def test_selected_lines_keep_their_line_numbers():
    block = LineBlock.from_bytes(b"a\nbb\r\n\nccc\n", first_line_number=7)
    selected = block.select(np.array([1, 3]))
    assert selected.data == b"bb\r\nccc\n"
    assert selected.line_numbers(np.arange(2)).tolist() == [8, 10]
    ranges = (np.array([2]), np.array([5]))
    assert block.select(np.array([1]), ranges).data == b"bb\r\n"


@pytest.mark.parametrize("name", ["f.csv", "f.csv.gz"])
def test_byte_order_mark_is_dropped(tmp_path, name):
    text = b"\xef\xbb\xbf" + ("\n".join(VALID_LINES) + "\n").encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    blocks = list(iter_line_blocks(path))
    parsed = parse_block(blocks[0], name, "background")
    assert parsed.rejects.num_rows == 0
    assert parsed.events.column("event_id").to_pylist() == [94, 95, 96]


def test_progress_counts_bytes_on_disk(tmp_path):
    path = tmp_path / "f.csv.gz"
    path.write_bytes(gzip.compress(("\n".join(VALID_LINES * 200) + "\n").encode()))
    read: list[int] = []
    blocks = list(iter_line_blocks(path, block_bytes=4096, on_read=read.append))
    assert len(blocks) > 1
    assert sum(read) == path.stat().st_size


def _mutate(rng: np.random.Generator, data: bytearray) -> bytearray:
    """Replace, delete or insert a few random bytes, favouring separators, digits and odd bytes."""
    alphabet = list(b"0123456789.,;eE+- \r\tjbmgaE\n") + [0xFF, 0x00, 0xC3]
    for _ in range(rng.integers(0, 12)):
        position = int(rng.integers(0, len(data)))
        kind = rng.integers(0, 3)
        if kind == 0:
            data[position] = int(rng.choice(alphabet))
        elif kind == 1:
            del data[position]
        else:
            data.insert(position, int(rng.choice(alphabet)))
    return data if data.endswith(b"\n") else data + b"\n"


@pytest.mark.parametrize("recompute", [False, True])
def test_mutated_blocks_agree_with_line_checked_parser(recompute):
    from tests.darkmachines.test_compiled_parser import _random_line

    rng = np.random.default_rng(11)
    options = ParseOptions(recompute_missing_energy=recompute)
    for _ in range(150):
        lines = [_random_line(rng, i).encode() for i in range(rng.integers(1, 30))]
        block = LineBlock.from_bytes(bytes(_mutate(rng, bytearray(b"\n".join(lines) + b"\n"))), first_line_number=3)
        fast = parse_block(block, "f.csv", "background", options)
        checked = parse_block_line_checked(block, "f.csv", "background", options)
        assert fast.events.equals(checked.events), block.data
        assert fast.rejects.equals(checked.rejects), block.data
        assert (fast.lines_read, fast.blank_lines) == (checked.lines_read, checked.blank_lines)
