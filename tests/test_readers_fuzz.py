"""The readers under random files: random rows, some corrupted, and what must hold for every file.

A file is written from random rows (CSV with embedded delimiters, quotes and newlines, CRLF or LF,
minimal or full quoting; JSON Lines with escapes, U+2028 and numbers); some rows are then corrupted
(a stray quote, a bad byte, a truncated row, a wrong number of columns, a BOM, not an object), blank
lines are put between rows, and the file may start with a BOM and end without a newline. Then:

* reading never raises;
* every row read covers whole physical lines, in order, none twice, and every line no row covers is
  blank: nothing is silently lost (rows read = good rows + quarantined rows);
* each row's `raw` is the exact text of its physical line(s), its line the first of them, and
  `raw_base64` the exact bytes when some could not be decoded;
* every row written as valid comes back with the exact values, at its line.

Valid CSV values start with a letter, a digit or a space. A value that starts with a quote or the
delimiter is fine on its own, but right after a stray quote elsewhere it can make the stray quote and
the next lines one well-formed row of the right width, which no reader can tell from a quoted newline.
"""

from __future__ import annotations

import base64
import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idgraph.ingest.mapping import Source
from idgraph.ingest.readers import BadRow, RawRow, read_source

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
BOM = "\ufeff".encode("utf-8")
CSV_FIRST = "abZ09 é"
CSV_REST = CSV_FIRST + ',;|"\n\r\t'
CORRUPTIONS = ("stray_quote", "bad_byte", "truncate", "columns", "bom")
JSON_CORRUPTIONS = CORRUPTIONS + ("not_object",)

csv_values = st.one_of(st.just(""), st.builds(str.__add__, st.sampled_from(CSV_FIRST), st.text(CSV_REST, max_size=5)))
json_values = st.one_of(st.text('ab "\\\n\r\t\u2028é{}[]', max_size=6), st.integers(-10**20, 10**20), st.booleans(),
                        st.floats(allow_nan=False, allow_infinity=False), st.none())


@st.composite
def layout(draw, corruptions: tuple[str, ...], rows: int) -> dict:
    return {
        "ops": draw(st.lists(st.sampled_from((None,) * 3 + corruptions), min_size=rows, max_size=rows)),
        "at": draw(st.lists(st.integers(0, 10**6), min_size=rows, max_size=rows)),
        "blank": draw(st.lists(st.sampled_from(["", "", "\n", "\r\n", " \t\n"]), min_size=rows, max_size=rows)),
        "bom": draw(st.booleans()),
        "final_newline": draw(st.booleans()),
        "terminator": draw(st.sampled_from(["\n", "\r\n"])),
    }


def corrupt(op: str, body: str, at: int, reserialise) -> str | bytes:
    """The row's text (less its terminator) with one corruption; bytes for a bad byte."""
    if op == "stray_quote":
        p = at % (len(body) + 1)
        return body[:p] + '"' + body[p:]
    if op == "truncate":
        return body[:at % max(len(body), 1)]
    if op == "bad_byte":
        data = body.encode("utf-8")
        p = at % (len(data) + 1)
        return data[:p] + b"\xff" + data[p:]
    if op == "bom":
        return "\ufeff" + body
    return reserialise(op)


def build(header: bytes | None, rows: list, serialise, reserialise, plan: dict) -> tuple[bytes, list, dict]:
    """The file's bytes, the (line, values) of every row written as valid, and which corrupted row (its
    index) each line of a corrupted row belongs to."""
    term = plan["terminator"]
    data = (BOM if plan["bom"] else b"") + (header + term.encode() if header is not None else b"")
    expected, corrupted = [], {}
    for index, (row, op, at, blank) in enumerate(zip(rows, plan["ops"], plan["at"], plan["blank"])):
        data += blank.encode()
        body = serialise(row)
        first = data.count(b"\n") + 1
        if op is None:
            expected.append((first, row))
            piece = body
        else:
            piece = corrupt(op, body, at, lambda kind: reserialise(row, kind, at))
        piece = piece if isinstance(piece, bytes) else piece.encode("utf-8")
        if op is not None:
            corrupted.update(dict.fromkeys(range(first, first + piece.count(b"\n") + 1), index))
        data += piece + term.encode()
    if not plan["final_newline"]:
        data = data.removesuffix(b"\n").removesuffix(b"\r")
    return data, expected, corrupted


def strip_terminator(value):
    for end in ("\r\n", "\n") if isinstance(value, str) else (b"\r\n", b"\n"):
        if value.endswith(end):
            return value[:-len(end)]
    return value


def check(data: bytes, read: list, expected: list, first_data_line: int, blank, corrupted: dict) -> None:
    physical = [p + b"\n" for p in data.split(b"\n")]
    physical[-1] = physical[-1][:-1]  # the last part has no newline
    if physical[0].startswith(BOM):
        physical[0] = physical[0][len(BOM):]
    texts = [p.decode("utf-8", "replace") for p in physical]
    covered: dict[int, range] = {}
    last = 0
    for row in read:
        assert isinstance(row, RawRow | BadRow)
        span = range(row.line, row.line + row.raw.count("\n") + 1)
        assert row.line > last and span[-1] <= len(texts), (row, len(texts))
        last = span[-1]
        assert row.raw == strip_terminator("".join(texts[i - 1] for i in span)), row
        if isinstance(row, BadRow) and row.raw_base64 is not None:
            assert base64.b64decode(row.raw_base64) == strip_terminator(b"".join(physical[i - 1] for i in span))
        covered.update(dict.fromkeys(span, span))
    for number in range(first_data_line, len(texts) + 1):
        if number not in covered:
            assert blank(texts[number - 1]), (number, texts[number - 1], read)
    good = {row.line: row.values for row in read if isinstance(row, RawRow)}
    assert len(read) == len(good) + sum(isinstance(r, BadRow) for r in read)
    for line, values in expected:
        if good.get(line) == values:
            continue
        # Only one way for a valid row not to come back: a row that starts in a corrupted row and closes
        # its quote in another one, with the valid rows between as its quoted text. The file then holds a
        # well-formed multi-line row, as a reader sees it.
        span = covered[line]
        start, end = corrupted.get(span[0]), corrupted.get(span[-1])
        assert start is not None and end is not None and start != end and span[0] < line, (line, values, read)


@st.composite
def csv_files(draw):
    width = draw(st.integers(1, 3))
    delimiter = draw(st.sampled_from(",;\t|"))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    rows = draw(st.lists(st.lists(csv_values, min_size=width, max_size=width), max_size=10))
    return width, delimiter, quoting, rows, draw(layout(CORRUPTIONS, len(rows)))


@FUZZ
@given(csv_files())
def test_csv_reader_under_random_files(tmp_path, case):
    width, delimiter, quoting, rows, plan = case
    columns = [f"c{n}" for n in range(width)]

    def serialise(values: list[str]) -> str:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerow(values)
        return buf.getvalue().removesuffix("\r\n")  # the terminator makes the writer quote \r and \n

    def reserialise(values: list[str], kind: str, at: int) -> str:  # a wrong number of columns
        return serialise(values + ["x"] if width == 1 or at % 2 else values[:-1])

    data, expected, corrupted = build(delimiter.join(columns).encode(), rows, serialise, reserialise, plan)
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    source = Source(name="f", path="f.csv", id="c0", delimiter=delimiter)
    read = list(read_source(path, source))
    check(data, read, [(line, dict(zip(columns, values))) for line, values in expected], 2,
          lambda text: text.strip("\r\n") == "", corrupted)


@st.composite
def jsonl_files(draw):
    width = draw(st.integers(1, 3))
    rows = draw(st.lists(st.fixed_dictionaries({f"c{n}": json_values for n in range(width)}), max_size=10))
    return draw(st.booleans()), rows, draw(layout(JSON_CORRUPTIONS, len(rows)))


@FUZZ
@given(jsonl_files())
def test_json_lines_reader_under_random_files(tmp_path, case):
    ascii_only, rows, plan = case

    def serialise(values: dict) -> str:
        return json.dumps(values, ensure_ascii=ascii_only)

    def reserialise(values: dict, kind: str, at: int) -> str:
        if kind == "not_object":
            return json.dumps(list(values.values()))
        changed = dict(values)  # a key more, or one less (never the id)
        if len(changed) > 1 and at % 2:
            del changed[max(changed)]
        else:
            changed["extra"] = at
        return serialise(changed)

    data, expected, _ = build(None, rows, serialise, reserialise, plan)
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    source = Source(name="f", path="f.jsonl", format="jsonl", id="c0")
    read = list(read_source(path, source))
    check(data, read, expected, 1, lambda text: text.strip() == "", {})  # one line per row: nothing to swallow
