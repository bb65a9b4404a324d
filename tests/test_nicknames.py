"""The nickname table: three maintained sources, folded as records are."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from idgraph.ingest.nicknames import are_nicknames, name_groups, nickname_groups, nickname_pairs

ROOT = Path(__file__).resolve().parents[1]


def _build_module():
    spec = importlib.util.spec_from_file_location("build_short_forms", ROOT / "tools" / "short-forms" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_english_and_other_languages_short_forms_are_both_read():
    pairs = set(nickname_pairs())
    assert ("robert", "bob") in pairs  # the nicknames package
    assert {("friedrich", "fritz"), ("karl", "kalle"), ("elisabeth", "lies")} <= pairs  # Wiktionary short forms
    assert {("willem", "wim"), ("barbara", "babsi"), ("josef", "sepp")} <= pairs  # nam_dict.txt's equivalents
    assert all(name and nick and name != nick and name == name.lower() for name, nick in pairs)


def test_names_are_folded_like_records():
    assert all(name.isascii() and nick.isascii() for name, nick in nickname_pairs())
    groups = nickname_groups()
    assert "friedrich" in groups["fritz"] and "friedrich" in groups["friedrich"]


def test_the_shipped_table_is_what_the_build_script_makes_of_namor_data(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "Latin_F.yaml").write_text(
        "Fritz:\n  is_short_for: [Friedrich]\n  lang: [de, en]\n"
        "Friedrich:\n  is_equivalent_to: [Frederick]\n  lang: [de]\n", encoding="utf-8")
    (data / "Cyrillic.yaml").write_text("Саша:\n  is_short_for: [Александр]\n", encoding="utf-8")
    assert _build_module().short_forms(data) == [("Friedrich", "Fritz", "de en")]  # no equivalents, no Cyrillic
    shipped = (ROOT / "ingest" / "data" / "short_forms.csv").read_text(encoding="utf-8").splitlines()
    assert shipped[0].startswith("# namor_data") and shipped[1] == "formal,short,languages"
    assert "Friedrich,Fritz,de en" in shipped


def test_a_dictionary_line_is_read_as_the_notes_of_the_dictionary_say():
    """`=  <short_name> <long_name>` in the first 29 columns; its repeat with expanded umlauts (a `+` in
    column 30) is not read twice, and the umlaut folds as records fold it."""
    pairs = set(nickname_pairs())
    assert {("adolf", "dolf"), ("katharina", "kathe"), ("katharina", "kate")} <= pairs  # "Dölf", "Käthe", "Käte"
    assert not any("+" in name or "+" in nick for name, nick in pairs)


def test_names_of_several_words_are_in_the_groups_of_each_word():
    assert are_nicknames("ted watson", "edward") and are_nicknames("marie helene", "mary")
    assert not are_nicknames("ted watson", "susan")
    assert name_groups("tom") <= name_groups("tom vogt")
    assert are_nicknames("kate", "katherine")  # every group counts, not the first six
