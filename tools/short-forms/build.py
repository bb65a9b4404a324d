"""Build ingest/data/short_forms.csv from a checkout of namor_data (github.com/DLu/namor_data, BSD-3-Clause).

namor_data holds the given names of Wiktionary's "given names by language" categories, one YAML file per
script; a name's ``is_short_for`` lists the names it is a short form of ("Fritz" of "Friedrich", "Kalle"
of "Karl", "Lies" of "Elisabeth"). Only those relations are taken: variants and cross-language
equivalents ("Friedrich" / "Frederick") are other names, not what one person writes for themself.
Only Latin-script files: records are folded to ASCII before they are compared.

    python tools/short-forms/build.py PATH/TO/namor_data [COMMIT]

Writes the table (formal, short, languages), sorted, and keeps namor_data's licence beside it.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[2] / "ingest" / "data"


def short_forms(data: Path) -> list[tuple[str, str, str]]:
    rows: dict[tuple[str, str], set[str]] = {}
    for path in sorted(data.glob("Latin_*.yaml")):
        for name, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            for formal in (entry or {}).get("is_short_for") or []:
                rows.setdefault((str(formal), str(name)), set()).update(entry.get("lang") or [])
    return sorted((formal, short, " ".join(sorted(langs))) for (formal, short), langs in rows.items())


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    root = Path(argv[0])
    commit = argv[1] if len(argv) > 1 else "unknown"
    rows = short_forms(root / "data")
    with (OUT / "short_forms.csv").open("w", encoding="utf-8", newline="") as f:
        f.write(f"# namor_data (github.com/DLu/namor_data) at {commit}, is_short_for of data/Latin_*.yaml;"
                " BSD-3-Clause, see short_forms.LICENSE\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["formal", "short", "languages"])
        writer.writerows(rows)
    shutil.copyfile(root / "LICENSE", OUT / "short_forms.LICENSE")
    print(f"{len(rows)} short forms written to {OUT / 'short_forms.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
