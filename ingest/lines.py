"""Physical lines: a file (or a quarantined row's text) as numbered lines, each decoded on its own.

A physical line ends at a newline byte (``\\n``); its terminator (``\\n`` or ``\\r\\n``) stays on the
text, so a row made of several lines can be given back exactly as it was written. One undecodable
byte sequence costs its own line only: the line is decoded with replacement characters (U+FFFD), keeps
its bytes, and says what went wrong. A UTF-8 byte order mark at the start of a file is not data and is
dropped. Nothing reads more than one line ahead of its caller: files are streamed.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BOM = "\ufeff"


@dataclass(slots=True)
class Line:
    number: int  # 1-based physical line of the file
    data: bytes  # as read, terminator included
    text: str  # decoded (undecodable bytes replaced by U+FFFD), terminator included
    error: str | None = None  # why the bytes could not be decoded


def decode(number: int, data: bytes, encoding: str) -> Line:
    try:
        return Line(number, data, data.decode(encoding))
    except UnicodeDecodeError as exc:
        return Line(number, data, data.decode(encoding, errors="replace"),
                    f"undecodable bytes ({encoding}): {exc.reason}")


def _without_bom(line: Line) -> Line:
    if line.text.startswith(BOM):
        line.text = line.text[1:]
        line.data = line.data.removeprefix(BOM.encode("utf-8"))
    return line


def read_lines(path: Path, encoding: str) -> Iterator[Line]:
    with path.open("rb") as fh:
        for number, data in enumerate(fh, start=1):
            line = decode(number, data, encoding)
            yield _without_bom(line) if number == 1 else line


def split_bytes(data: bytes) -> list[bytes]:
    """Split at newline bytes only (never at a lone \\r or U+2028), each part keeping its newline."""
    parts = data.split(b"\n")
    out = [p + b"\n" for p in parts[:-1]]
    return out + [parts[-1]] if parts[-1] else out


def lines_of(data: bytes, encoding: str, first: int) -> list[Line]:
    """The lines of a quarantined row's bytes, numbered from the line it started on."""
    return [decode(first + i, part, encoding) for i, part in enumerate(split_bytes(data))]


def lines_of_text(text: str, first: int) -> list[Line]:
    """The lines of a quarantined row's text (as edited by a person), numbered from its first line."""
    parts = text.split("\n")
    texts = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return [Line(first + i, t.encode("utf-8", "surrogatepass"), t) for i, t in enumerate(texts)]


def _strip_terminator(value: str | bytes) -> str | bytes:
    end = value[-2:]
    if end in ("\r\n", b"\r\n"):
        return value[:-2]
    return value[:-1] if end[-1:] in ("\n", b"\n") else value


def raw_text(lines: list[Line]) -> str:
    """The exact text of one or more physical lines, less the last line's terminator."""
    text = lines[0].text if len(lines) == 1 else "".join(line.text for line in lines)
    if text.endswith("\n"):
        return text[:-2] if text.endswith("\r\n") else text[:-1]
    return text


def raw_base64(lines: list[Line]) -> str | None:
    """The lines' bytes as base64 when any of them could not be decoded, else None."""
    if not any(line.error for line in lines):
        return None
    return base64.b64encode(_strip_terminator(b"".join(line.data for line in lines))).decode("ascii")


def decode_error(lines: list[Line]) -> str | None:
    if len(lines) == 1:
        return lines[0].error
    return next((line.error for line in lines if line.error), None)
