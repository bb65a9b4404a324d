"""Bulk first load: the whole graph as CSV files for `neo4j-admin database import full`.

`idgraph export --neo4j-import DIR` writes, from any store (the embedded one in practice):

    DIR/nodes/<label>.header.csv + <label>.csv            Customer Email Phone Device Identifier Interaction
                                                          Profile Household Audit Suppression Sequence
                                                          Watermark
    DIR/relationships/<type>.header.csv + <type>.csv      HAS_EMAIL HAS_PHONE USES_DEVICE HAS_IDENTIFIER
                                                          VIA_EMAIL VIA_PHONE ON_DEVICE VIA_IDENTIFIER BY
                                                          IN_PROFILE PROBABLY_SAME|MAYBE_SAME (links)
                                                          SAME_AS|NOT_SAME_AS (judgements) MERGED_INTO|SPLIT_FROM
                                                          IN_HOUSEHOLD
    DIR/import.sh                                         the import command, runnable from anywhere

The graph is the Neo4j store's (graph/neo4j_store.py, cypher/write/): the same labels, relationship
types and property keys, typed as it writes them (seq:long, score:double, shared:boolean,
sources:string[]), with the work marks (each record's resolve_seq and link_seq, the change sequence
with its audit counter, each job's watermark) carried over so the jobs pick up where the embedded store
left them, and the audit trail, the suppression list and the salt that makes its hashes
match, so a forgotten person stays forgotten. Each node kind has an id space of its own (`uid:ID(Customer)`,
`address:ID(Email)`, `key:ID(Identifier)` for the kinds a mapping declares, ...), whose key is stored as the
property the store looks it up by. Audit, Suppression, Sequence and Watermark nodes have no relationships,
so no id. A group with
no rows is left out. A customer's attributes are columns of the customer file, one per attribute name any
record holds (the store lists them first: `bulk("attribute_keys")`), with `attribute_keys:string[]`. A
profile's traits are columns of the profile file in the same way (`trait_keys:string[]`, `traits_stamp`),
typed by their values.

Every row is streamed from the store (`bulk(kind)` of the store contract) straight into its file:
nothing is held in memory but one row. Strings are always quoted, so an empty string stays one and a
missing value (an empty unquoted field) is no property at all; when some value holds a line break the
command says `--multiline-fields=true` (slower, so only then).

The tool writes store files directly: the server must be stopped, and the database is replaced
(`--overwrite-destination`). Afterwards, start the server and open the Neo4j store once
(`IDGRAPH_STORE=neo4j idgraph stats`): its init applies cypher/schema.cypher, the constraints and indexes.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from idgraph.graph.errors import IdgraphError
from idgraph.graph.store import Store

ARRAY_DELIMITER = ";"
IDENTIFIER_LABEL = {"email": "Email", "phone": "Phone", "device": "Device"}
IDENTIFIER_KEY = {"email": "address", "phone": "number", "device": "id"}
CUSTOMER_TIE = {"email": "HAS_EMAIL", "phone": "HAS_PHONE", "device": "USES_DEVICE"}
INTERACTION_TIE = {"email": "VIA_EMAIL", "phone": "VIA_PHONE", "device": "ON_DEVICE"}
# Every other kind (declared in a mapping) is an Identifier keyed 'kind:value', as the Neo4j store writes it.
DECLARED_LABEL, DECLARED_CUSTOMER_TIE, DECLARED_INTERACTION_TIE = "Identifier", "HAS_IDENTIFIER", "VIA_IDENTIFIER"
LINK_TYPE = {"probable": "PROBABLY_SAME", "review": "MAYBE_SAME"}
JUDGEMENT_TYPE = {"same": "SAME_AS", "not_same": "NOT_SAME_AS"}
LINEAGE_TYPE = {"merged_into": "MERGED_INTO", "split_from": "SPLIT_FROM"}

_CUSTOMER = ("uid:ID(Customer)", "source", "source_id", "first_name", "last_name", "full_name", "dob", "address",
             "city", "postcode", "country", "updated_at", "row_hash", "run_tag", "seq:long", "resolve_seq:long",
             "link_seq:long")  # then attribute_keys:string[] and one column per attribute, then :LABEL
_INTERACTION = ("uid:ID(Interaction)", "source", "source_id", "at", "channel", "type", "customer_ref", "attributes",
                "row_hash", "run_tag", "profile_id", "resolve_seq:long", ":LABEL")
_PROFILE = ("profile_id:ID(Profile)", "seq:long", "status", "merged_into", "split_from", "created_at", "updated_at",
            "first_name", "last_name", "dob", "email", "phone", "address", "city", "postcode", "country",
            "customer_count:long", "interaction_count:long", "sources:string[]", ":LABEL")
_HOUSEHOLD = ("household_id:ID(Household)", "seq:long", "status", "merged_into", "split_from", "created_at",
              "updated_at", "size:long", "evidence:string[]", ":LABEL")
_AUDIT = ("seq:long", "at", "action", "profile_id", "by", "reason", "details", ":LABEL")
_SUPPRESSION = ("hash", "kind", "at", "value", ":LABEL")
_SEQUENCE = ("key", "value:long", "audit:long", "erased:long", ":LABEL")
_WATERMARK = ("job", "seq:long", ":LABEL")


class ImportSummary(BaseModel):
    """What was written, and how to load it."""

    directory: str
    database: str
    nodes: dict[str, int]  # label -> rows
    relationships: dict[str, int]  # type -> rows
    files: list[str]  # the header and data files, in the order of the command
    multiline_fields: bool
    command: list[str]  # neo4j-admin database import full <database> ... as arguments
    command_line: str  # the same, quoted for a shell
    script: str  # import.sh


def _cell(value: Any) -> str:
    """One CSV field as neo4j-admin reads it: None -> empty (no property), strings always quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        for item in value:
            if ARRAY_DELIMITER in str(item):
                raise IdgraphError(f"array element {item!r} holds the array delimiter {ARRAY_DELIMITER!r} of the "
                                   "import files: rename that source in the mapping")
        value = ARRAY_DELIMITER.join(str(v) for v in value)
    text = str(value)
    return '"' + text.replace('"', '""') + '"'


@dataclass
class _Group:
    """One --nodes or --relationships group: a header file and a data file, written row by row."""

    kind: str  # "nodes" | "relationships"
    name: str  # file stem
    header: tuple[str, ...]
    directory: Path
    rows: int = 0
    multiline: bool = False
    counts: dict[str, int] = field(default_factory=dict)  # label or type -> rows
    _fh: Any = None

    @property
    def header_path(self) -> Path:
        return self.directory / self.kind / f"{self.name}.header.csv"

    @property
    def data_path(self) -> Path:
        return self.directory / self.kind / f"{self.name}.csv"

    def open(self) -> "_Group":
        self.header_path.parent.mkdir(parents=True, exist_ok=True)
        self.header_path.write_text(",".join(self.header) + "\n", encoding="utf-8")
        self._fh = self.data_path.open("w", encoding="utf-8", newline="")
        return self

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def write(self, values: Iterable[Any], count_as: str) -> None:
        line = ",".join(_cell(v) for v in values)
        if "\n" in line or "\r" in line:
            self.multiline = True
        self._fh.write(line + "\n")
        self.rows += 1
        self.counts[count_as] = self.counts.get(count_as, 0) + 1


def _sources(text: str | None) -> list[str] | None:
    """A profile's sources: a JSON list in text (both stores' bulk("profiles")) -> a string array."""
    if text is None:
        return None
    found = json.loads(text) if isinstance(text, str) else list(text)
    return [str(s) for s in found]


def write_neo4j_import(store: Store, out_dir: Path, database: str = "neo4j") -> ImportSummary:
    """Write the node and relationship files of the whole graph and `import.sh` into out_dir."""
    out_dir = Path(out_dir).resolve()
    if "," in str(out_dir):
        raise IdgraphError(f"{out_dir}: neo4j-admin separates files with commas, so the folder's path cannot "
                           "hold one; choose another folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    groups: dict[str, _Group] = {}

    def group(kind: str, name: str, header: tuple[str, ...]) -> _Group:
        groups[name] = _Group(kind, name, header, out_dir)
        return groups[name]

    attributes = list(store.bulk("attribute_keys"))
    for name in attributes:
        if not name or any(ch in name for ch in ':,"\n') or name in {"attribute_keys", *(h.split(":")[0] for h in _CUSTOMER)}:
            raise IdgraphError(f"attribute {name!r} cannot be a column of the import files: rename it in the mapping")
    customer_header = (*_CUSTOMER, "attribute_keys:string[]", *attributes, ":LABEL")
    traits = {pid: (stamp, values) for pid, stamp, values in store.bulk("traits")}
    trait_columns = _trait_columns(traits)
    profile_header = (*_PROFILE[:-1], "trait_keys:string[]", "traits_stamp", *trait_columns.values(), ":LABEL")
    with ExitStack() as stack:
        for spec in (
            ("nodes", "customer", customer_header),
            *(("nodes", label.lower(), (f"{IDENTIFIER_KEY[kind]}:ID({label})", "shared:boolean", "shared_reason",
                                        ":LABEL")) for kind, label in IDENTIFIER_LABEL.items()),
            ("nodes", "identifier", ("key:ID(Identifier)", "kind", "value", "shared:boolean", "shared_reason",
                                     ":LABEL")),
            ("nodes", "interaction", _INTERACTION),
            ("nodes", "profile", profile_header),
            ("nodes", "household", _HOUSEHOLD),
            ("nodes", "audit", _AUDIT),
            ("nodes", "suppression", _SUPPRESSION),
            ("nodes", "sequence", _SEQUENCE),
            ("nodes", "watermark", _WATERMARK),
            *(("relationships", rel.lower(), (":START_ID(Customer)", f":END_ID({IDENTIFIER_LABEL[kind]})",
                                              "origin", ":TYPE")) for kind, rel in CUSTOMER_TIE.items()),
            *(("relationships", rel.lower(), (":START_ID(Interaction)", f":END_ID({IDENTIFIER_LABEL[kind]})",
                                              ":TYPE")) for kind, rel in INTERACTION_TIE.items()),
            ("relationships", "has_identifier", (":START_ID(Customer)", ":END_ID(Identifier)", "origin", ":TYPE")),
            ("relationships", "via_identifier", (":START_ID(Interaction)", ":END_ID(Identifier)", ":TYPE")),
            ("relationships", "by", (":START_ID(Interaction)", ":END_ID(Customer)", ":TYPE")),
            ("relationships", "in_profile", (":START_ID(Customer)", ":END_ID(Profile)", ":TYPE")),
            ("relationships", "links", (":START_ID(Customer)", ":END_ID(Customer)", "score:double", "evidence",
                                        ":TYPE")),
            ("relationships", "judgements", (":START_ID(Customer)", ":END_ID(Customer)", "judgement_id", "by", "at",
                                             "reason", "deleted_at", ":TYPE")),
            ("relationships", "lineage", (":START_ID(Profile)", ":END_ID(Profile)", ":TYPE")),
            ("relationships", "in_household", (":START_ID(Profile)", ":END_ID(Household)", ":TYPE")),
        ):
            stack.callback(group(*spec).open().close)

        with store.bulk_snapshot():
            _write_all(store, groups, attributes, traits, list(trait_columns))

    written = [g for g in groups.values() if g.rows]
    for g in groups.values():
        if not g.rows:  # an empty group is left out of the command and off the disk
            g.header_path.unlink()
            g.data_path.unlink()
    multiline = any(g.multiline for g in written)
    files = [str(p) for g in written for p in (g.header_path, g.data_path)]
    command = ["neo4j-admin", "database", "import", "full", database,
               *(f"--{g.kind}={g.header_path},{g.data_path}" for g in written),
               "--overwrite-destination", f"--array-delimiter={ARRAY_DELIMITER}",
               *(["--multiline-fields=true"] if multiline else []),
               f"--report-file={out_dir / 'import.report'}"]
    script = out_dir / "import.sh"
    script.write_text(_script(written, multiline), encoding="utf-8")
    script.chmod(0o755)
    nodes: dict[str, int] = {}
    relationships: dict[str, int] = {}
    for g in written:
        (nodes if g.kind == "nodes" else relationships).update(g.counts)
    return ImportSummary(directory=str(out_dir), database=database, nodes=nodes, relationships=relationships,
                         files=files, multiline_fields=multiline, command=command,
                         command_line=" ".join(shlex.quote(a) for a in command), script=str(script))


def _trait_columns(traits: dict[str, tuple[str, dict]]) -> dict[str, str]:
    """name -> header column of every trait a profile carries, typed by its first value (lists are string
    arrays, whole numbers long, other numbers double)."""
    found: dict[str, str] = {}
    for _, values in traits.values():
        for name, value in values.items():
            if value is None or (name in found and ":" in found[name]):
                continue
            kind = ("string[]" if isinstance(value, list) else "long" if isinstance(value, int) and not
                    isinstance(value, bool) else "double" if isinstance(value, float) else None)
            found[name] = f"{name}:{kind}" if kind else name
    return dict(sorted(found.items()))


def _write_all(store: Store, groups: dict[str, _Group], attributes: list[str],
               traits: dict[str, tuple[str, dict]], trait_names: list[str]) -> None:
    customer = groups["customer"]
    in_profile = groups["in_profile"]
    for c in store.bulk("customers"):
        held = c["attributes"]
        customer.write((c["uid"], c["source"], c["source_id"], c["first_name"], c["last_name"], c["full_name"],
                        c["dob"], c["address"], c["city"], c["postcode"], c["country"], c["updated_at"],
                        c["row_hash"], c["run_tag"], c["seq"], c["resolve_seq"], c["link_seq"], sorted(held) or None,
                        *(held.get(name) for name in attributes), "Customer"), "Customer")
        if c["profile_id"] is not None:
            in_profile.write((c["uid"], c["profile_id"], "IN_PROFILE"), "IN_PROFILE")

    for d in store.bulk("identifiers"):
        label = IDENTIFIER_LABEL.get(d["kind"])
        if label is None:
            groups["identifier"].write((f"{d['kind']}:{d['value']}", d["kind"], d["value"], d["shared"],
                                        d["shared_reason"], DECLARED_LABEL), DECLARED_LABEL)
        else:
            groups[label.lower()].write((d["value"], d["shared"], d["shared_reason"], label), label)

    interaction, by = groups["interaction"], groups["by"]
    for i in store.bulk("interactions"):
        interaction.write((i["uid"], i["source"], i["source_id"], i["at"], i["channel"], i["type"],
                           i["customer_ref"], i["attributes"], i["row_hash"], i["run_tag"], i["profile_id"],
                           i["resolve_seq"], "Interaction"), "Interaction")
        if i["by"] is not None:
            by.write((i["uid"], i["by"], "BY"), "BY")

    for holder, uid, kind, value, origin in store.bulk("identifier_ties"):
        end = value if kind in IDENTIFIER_LABEL else f"{kind}:{value}"
        if holder == "customer":
            rel = CUSTOMER_TIE.get(kind, DECLARED_CUSTOMER_TIE)
            groups[rel.lower()].write((uid, end, origin, rel), rel)
        else:
            rel = INTERACTION_TIE.get(kind, DECLARED_INTERACTION_TIE)
            groups[rel.lower()].write((uid, end, rel), rel)

    links = groups["links"]
    for link in store.bulk("links"):
        rel = LINK_TYPE[link.kind]
        links.write((link.a_uid, link.b_uid, float(link.score), link.evidence, rel), rel)

    # Judgements are few (people make them): the contract's list, each end checked, because a judgement
    # may name a record that is no longer there and the import refuses a relationship without its nodes.
    judgements = groups["judgements"]
    for j in store.judgements(None, include_deleted=True):
        if any(not store.find_customers("record", uid) for uid in (j["a_uid"], j["b_uid"])):
            continue
        rel = JUDGEMENT_TYPE[j["kind"]]
        judgements.write((j["a_uid"], j["b_uid"], j["judgement_id"], j["by"], j["at"], j.get("reason"),
                          j.get("deleted_at"), rel), rel)

    profile = groups["profile"]
    for p in store.bulk("profiles"):
        profile.write((p["profile_id"], p["seq"], p["status"], p.get("merged_into"), p.get("split_from"),
                       p.get("created_at"), p.get("updated_at"), p.get("first_name"), p.get("last_name"),
                       p.get("dob"), p.get("email"), p.get("phone"), p.get("address"), p.get("city"),
                       p.get("postcode"), p.get("country"), p.get("customer_count"), p.get("interaction_count"),
                       _sources(p.get("sources")), *_traits_of(traits.get(p["profile_id"]), trait_names), "Profile"),
                      "Profile")
    lineage = groups["lineage"]
    for profile_id, kind, other in store.bulk("profile_lineage"):
        rel = LINEAGE_TYPE[kind]
        lineage.write((profile_id, other, rel), rel)

    household = groups["household"]
    for h in store.bulk("households"):
        household.write((h["household_id"], h["seq"], h["status"], h["merged_into"], h["split_from"], h["created_at"],
                         h["updated_at"], h["size"], h["evidence"] or None, "Household"), "Household")
    in_household = groups["in_household"]
    for profile_id, household_id in store.bulk("household_members"):
        in_household.write((profile_id, household_id, "IN_HOUSEHOLD"), "IN_HOUSEHOLD")

    audit = groups["audit"]
    numbered = 0
    for a in store.bulk("audit"):
        audit.write((a["seq"], a["at"], a["action"], a["profile_id"], a["by"], a["reason"], a["details"], "Audit"),
                    "Audit")
        numbered = max(numbered, a["seq"])
    marks = store.marks()  # the Neo4j store numbers audit entries after its counter: the highest one
    groups["sequence"].write(("change", marks["sequence"], numbered, marks["erased"], "Sequence"), "Sequence")
    for job, seq in marks["watermarks"].items():
        groups["watermark"].write((job, seq, "Watermark"), "Watermark")
    suppression = groups["suppression"]  # the salt first: the Neo4j store keeps it on the 'salt' node
    for row in store.bulk("suppression"):
        suppression.write((row["hash"], row["kind"], row["at"], row["value"], "Suppression"), "Suppression")


def _traits_of(found: tuple[str, dict] | None, names: list[str]) -> list:
    """trait_keys, traits_stamp and the value of every trait column for one profile (None: no traits)."""
    if found is None:
        return [None, None, *(None for _ in names)]
    stamp, values = found
    return [sorted(values) or None, stamp, *(values.get(n) for n in names)]


def _script(groups: list[_Group], multiline: bool) -> str:
    def rel(path: Path) -> str:
        return "$HERE/" + path.relative_to(path.parents[1]).as_posix()

    lines = [
        "#!/bin/sh",
        "# Bulk first load of the identity graph written by `idgraph export --neo4j-import`.",
        "# Stop the server first: the import writes the database's store files and replaces the database.",
        "#   sh import.sh [DATABASE]            (default neo4j; Community Edition has only that one)",
        "#   NEO4J_ADMIN='tools/neo4j/neo4j.sh admin' sh import.sh    (the project's local Neo4j)",
        "# Then start the server and open the Neo4j store once (IDGRAPH_STORE=neo4j idgraph stats) to create",
        "# the constraints and indexes of cypher/schema.cypher.",
        "set -eu",
        'HERE=$(cd "$(dirname "$0")" && pwd -P)',
        'DB="${1:-neo4j}"',
        "# The database name comes right after `full`: --nodes and --relationships take several files.",
        '${NEO4J_ADMIN:-neo4j-admin} database import full "$DB" \\',
        *(f'    --{g.kind}="{rel(g.header_path)},{rel(g.data_path)}" \\' for g in groups),
        f"    --overwrite-destination --array-delimiter='{ARRAY_DELIMITER}' \\",
        *(["    --multiline-fields=true \\"] if multiline else []),
        '    --report-file="$HERE/import.report"',
        "",
    ]
    return "\n".join(lines)
