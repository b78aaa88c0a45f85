"""Tests of the compiled fast path: exact numbers and agreement with the line-checked parser."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from collider_vae.darkmachines.compiled_block import COMPILED_PARSER_BUILT, parse_compiled_block
from collider_vae.darkmachines.lines import LineBlock
from collider_vae.darkmachines.parser import parse_block_line_checked
from tests.conftest import VALID_LINES

pytestmark = pytest.mark.skipif(
    not COMPILED_PARSER_BUILT, reason="the compiled parser was not built (no C compiler at install time)"
)


def _random_decimals(rng: np.random.Generator, n: int) -> list[str]:
    """Decimal strings of 1 to 24 digits with a random point, sign and exponent."""
    texts = []
    for _ in range(n):
        digits = "".join(rng.choice(list("0123456789"), rng.integers(1, 25)))
        point = rng.integers(0, len(digits) + 1)
        text = digits[:point] + "." + digits[point:] if rng.random() < 0.8 else digits
        if text == ".":
            text = "0."
        if rng.random() < 0.3:
            text += rng.choice(["e", "E"]) + rng.choice(["", "+", "-"]) + str(rng.integers(0, 40))
        texts.append(rng.choice(["", "-", "+"]) + text)
    return texts


def _near_halfway(rng: np.random.Generator, n: int) -> list[str]:
    """Decimals at and next to the midpoint of two neighbouring doubles, the hardest cases to round."""
    texts = []
    for value in rng.uniform(1e-3, 1e7, n):
        midpoint = (Decimal(float(value)) + Decimal(float(np.nextafter(value, np.inf)))) / 2
        texts.append(str(midpoint))
        for digits in (16, 17, 18, 19):
            texts.append(f"{midpoint:.{digits}g}")
    return texts


def _number_texts() -> list[str]:
    rng = np.random.default_rng(7)
    float32s = rng.lognormal(10, 3, 3000).astype(np.float32)
    return [
        *_random_decimals(rng, 6000),
        *_near_halfway(rng, 1500),
        *(repr(float(value)) for value in float32s),
        *(f"{value:.6g}" for value in rng.normal(0, 1e5, 3000)),
        *(repr(float(value)) for value in rng.normal(0, 3, 3000)),
        ".5", "5.", "+3", "-0", "-0.0", "0e999", "1e-300", "1e300", "4.9e-324", "123456789012345678901234567890",
        "9007199254740993", "18446744073709551615", "1e22", "1e23", "8.988465674311579e+307",
    ]


def test_numbers_convert_exactly_as_python_does():
    texts = _number_texts()
    pairs = [texts[i : i + 2] for i in range(0, len(texts) - 1, 2)]
    lines = [f"{i};p;1;1;0;j,1,1,{a},{b}" for i, (a, b) in enumerate(pairs)]
    block = LineBlock.from_bytes(("\n".join(lines) + "\n").encode())
    parsed = parse_compiled_block(block, "f.csv", "background")
    assert parsed is not None
    assert parsed.skipped_lines.size == 0
    events = parsed.events
    got = np.column_stack([events.column(name).combine_chunks().flatten().to_numpy() for name in ("obj_eta", "obj_phi")])
    expected = np.array([[float(a), float(b)] for a, b in pairs])
    mismatched = np.flatnonzero((got.view(np.int64) != expected.view(np.int64)).any(axis=1))
    assert mismatched.size == 0, [pairs[i] for i in mismatched[:5]]


def _random_line(rng: np.random.Generator, index: int) -> str:
    objects = [
        f"{rng.choice(['j', 'b', 'e-', 'e+', 'm-', 'm+', 'g', 'mu-', 'mu+', 'a'])},"
        f"{rng.exponential(1e5):.6g},{rng.exponential(5e4):.6g},{rng.normal(0, 2)!r},{rng.uniform(-3.2, 3.2):.6g}"
        for _ in range(rng.integers(0, 6))
    ]
    line = ";".join([str(index), rng.choice(["ttbar", "zw", "x1n2"]), f"{rng.exponential(1e-4):.6g}",
                     f"{rng.exponential(5e4):.6g}", f"{rng.uniform(-3.2, 3.2):.6g}", *objects])
    return line + rng.choice(["", ";"]) + rng.choice(["", "\r"])


_BAD_LINES = [
    "1;tt;1;100;0.1;j,E,5,0,0;", "1;tt;1;-1;0.1;", "1;tt;1;100;0.1;x,1,1,0,0;", "1;;1;1;1;", "1;tt;nan;1;1;",
    "1;tt;1;1;1;j,1,1,0;", "1;tt;1;1;1;j,1,-1,0,0;", "1;tt;1;1;1;j,-1,1,0,0;", "1.5;tt;1;1;1;",
    "1234567890123456789;tt;1;1;1;", "1;tt;1;1;1;j,1,1,0,0,9;", "1;t,t;1;1;1;", "1;tt;1;1", "1;tt;1e999;1;1;",
    "1;tt;1;1;1;jj,1,1,0,0;", "1;tt;1;1;1; j,1,1,0,0;", "1;tt;1 ;1;1;", "1;tt;1;1;1;;", " 1;tt;1;1;1;",
    "1;tt;1;1;1;j,1,1,0,0;;", "1;tt;--1;1;1;", "1;tt;1;1;1;j,1.,.,0,0;", "1;tt;1;1;1;j,1,1,1e,0;",
    "1;tt;1;1;1;b\x00,1,1,0,0;", "1;tt;1;1;1;mu,1,1,0,0;",
]


@pytest.mark.parametrize("seed", range(5))
def test_blocks_agree_with_the_line_checked_parser(seed):
    rng = np.random.default_rng(seed)
    lines = [_random_line(rng, i) for i in range(400)]
    lines[rng.integers(0, 400)] = ""
    block = LineBlock.from_bytes(("\n".join(lines) + "\n").encode(), first_line_number=20)
    compiled = parse_compiled_block(block, "f.csv", "background")
    checked = parse_block_line_checked(block, "f.csv", "background")
    assert checked.rejects.num_rows == 0
    assert compiled is not None
    assert compiled.skipped_lines.size == 0
    assert compiled.events.equals(checked.events)
    assert compiled.blank_lines == checked.blank_lines


@pytest.mark.parametrize("bad_line", _BAD_LINES)
def test_skips_lines_it_does_not_take(bad_line):
    block = LineBlock.from_bytes((VALID_LINES[0] + "\n" + bad_line + "\n" + VALID_LINES[1] + "\n").encode())
    compiled = parse_compiled_block(block, "f.csv", "background")
    assert compiled.skipped_lines.tolist() == [1]
    assert compiled.events.column("line_number").to_pylist() == [1, 3]


def test_empty_and_blank_blocks():
    compiled = parse_compiled_block(LineBlock.from_bytes(b"\n\r\n\n"), "f.csv", "background")
    assert compiled.events.num_rows == 0
    assert compiled.blank_lines == 3


def test_non_ascii_process_id_is_skipped():
    block = LineBlock.from_bytes("1;tt\u00e9;1;1;1;\n".encode())
    assert parse_compiled_block(block, "f.csv", "background").skipped_lines.tolist() == [0]


def test_compiled_parser_refuses_many_bad_lines():
    block = LineBlock.from_bytes(b"x\n" * 1000)
    assert parse_compiled_block(block, "f.csv", "background") is None


@pytest.mark.parametrize(
    "line",
    ["+5;tt;+1;+2.;.5;j,+1,+2,+3,-0", "-007;tt;1e0;2E+1;-0.;mu-,1.e1,2,3,4", "5;tt;1;2;3;a,1,2,3,4;\r"],
)
def test_unusual_number_forms_agree(line):
    block = LineBlock.from_bytes((line + "\n").encode())
    compiled = parse_compiled_block(block, "f.csv", "background")
    checked = parse_block_line_checked(block, "f.csv", "background")
    assert compiled.skipped_lines.size == 0
    assert compiled.events.equals(checked.events)
