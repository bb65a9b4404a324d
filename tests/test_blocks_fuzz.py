"""The block reader (ingest/blocks.py) gives exactly the row reader's rows, under the readers' fuzz files.

The same random CSV files as tests/test_readers_fuzz.py (stray quotes, bad bytes, BOMs, quoted line
breaks, CRLF, no final newline), read once by `readers.read_source` and once by `blocks.read_blocks` with
blocks of a few bytes, so that block boundaries fall everywhere: the rows, lines, raw texts, values and
reasons must be identical.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given

from idgraph.ingest import blocks
from idgraph.ingest.mapping import Source
from idgraph.ingest.readers import read_source
from tests.test_readers_fuzz import FUZZ, build, csv_files


def block_rows(path, source):
    return [row for block in blocks.read_blocks(path, source) for row in block.all_rows()]


@pytest.mark.parametrize("chunk", [1, 40, 1 << 20])
def test_block_reader_reads_as_the_row_reader(tmp_path_factory, monkeypatch, chunk):
    monkeypatch.setattr(blocks, "CHUNK_BYTES", chunk)

    @FUZZ
    @given(csv_files())
    def run(case):
        width, delimiter, quoting, rows, plan = case
        columns = [f"c{n}" for n in range(width)]

        def serialise(values: list[str]) -> str:
            buf = io.StringIO()
            csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerow(values)
            return buf.getvalue().removesuffix("\r\n")

        def reserialise(values: list[str], kind: str, at: int) -> str:
            return serialise(values + ["x"] if width == 1 or at % 2 else values[:-1])

        data, _, _ = build(delimiter.join(columns).encode(), rows, serialise, reserialise, plan)
        path = tmp_path_factory.mktemp("f") / "f.csv"
        path.write_bytes(data)
        source = Source(name="f", path="f.csv", id="c0", delimiter=delimiter)
        assert block_rows(path, source) == list(read_source(path, source))

    run()
