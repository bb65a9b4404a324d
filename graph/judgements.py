"""Judgements: a person's decision that two records are the same (SAME_AS) or different (NOT_SAME_AS).

Append-only, as in nomenklatura: a judgement is added, or withdrawn with `deleted_at`, never edited.
They win over every rule: a merge joins two components whatever the links say; a split cuts the
weakest set of links between the two records (a minimum cut: scored links by their score,
identifier links heavier, merge judgements never) so every other record stays with the side it is most
strongly tied to.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timezone

import networkx as nx
import polars as pl

from idgraph.graph.errors import JudgementConflict
from idgraph.graph.store import Store

IDENTIFIER_CAPACITY = 10.0  # a shared email outweighs any single scored link
NEVER = float("inf")
_SINK = ("apart",)  # a node no uid or identifier key can be


def record_judgement(store: Store, a: str, b: str, same: bool, by: str, reason: str | None = None) -> dict:
    """Add a judgement between two record uids; refuse one that contradicts the others."""
    if a == b:
        raise JudgementConflict(f"a record is always the same as itself: {a}")
    _check_conflict(store, a, b, same)
    row = {
        "judgement_id": "J" + uuid.uuid4().hex[:12],
        "kind": "same" if same else "not_same",
        "a_uid": min(a, b), "b_uid": max(a, b),
        "by": by, "at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "reason": reason,
    }
    store.add_judgements([row])
    return row


def _same_closure(judgements: list[dict], start: str) -> set[str]:
    graph = nx.Graph()
    graph.add_node(start)
    graph.add_edges_from((j["a_uid"], j["b_uid"]) for j in judgements if j["kind"] == "same")
    return nx.node_connected_component(graph, start)


def _check_conflict(store: Store, a: str, b: str, same: bool) -> None:
    # Judgements form small islands; reading those that touch the records' merge-closure is enough.
    known = store.judgements()
    side_a, side_b = _same_closure(known, a), _same_closure(known, b)
    if not same and b in side_a:
        chain = [j["judgement_id"] for j in known if j["kind"] == "same" and {j["a_uid"], j["b_uid"]} & side_a]
        raise JudgementConflict(
            f"{a} and {b} are already judged the same (judgements {', '.join(chain)}); "
            "withdraw one with `idgraph undo` first")
    if same:
        for j in known:
            if j["kind"] == "not_same" and ((j["a_uid"] in side_a and j["b_uid"] in side_b)
                                            or (j["a_uid"] in side_b and j["b_uid"] in side_a)):
                raise JudgementConflict(
                    f"merging {a} and {b} contradicts judgement {j['judgement_id']} "
                    f"({j['a_uid']} is not {j['b_uid']}); withdraw it with `idgraph undo` first")


def separate(comp: pl.DataFrame, edges: pl.DataFrame, judgements: list[dict],
             evidence: list[dict] = ()) -> tuple[pl.DataFrame, list[dict]]:
    """Split components that hold both sides of a NOT_SAME_AS judgement by a minimum cut.

    comp: uid, component. edges: a, b, kind, weight (link_edges). ``evidence``: pairs the data says are
    two people (``ingest/strangers.py``: a_uid, b_uid, judgement_id "evidence", probability, against),
    cut like judgements, except that where merge judgements join the two, the people win and nothing is
    cut. Returns the new comp and the cuts made (which links were cut, per judgement or evidence)."""
    why = {(e["a_uid"], e["b_uid"]): e for e in evidence}
    apart = [(j["a_uid"], j["b_uid"], j["judgement_id"]) for j in judgements if j["kind"] == "not_same"]
    apart += [(e["a_uid"], e["b_uid"], "evidence") for e in evidence]
    if not apart:
        return comp, []
    label = dict(comp.iter_rows())
    violated = [(a, b, jid) for a, b, jid in apart if a in label and label.get(a) == label.get(b)]
    if not violated:
        return comp, []
    next_label = max(label.values()) + 1
    cuts = []
    # The records and edges of every component to cut, gathered in one pass each: a scan of all records
    # and all edges per component took 29 s for 450 components at a million records.
    to_cut = {label[a] for a, _, _ in violated}
    members_of: dict[int, list[str]] = {c: [] for c in to_cut}
    for u, c in label.items():
        if c in to_cut:
            members_of[c].append(u)
    edges_of = (edges.join(pl.DataFrame({"a": list(label), "component": list(label.values())}), on="a",
                           maintain_order="left")
                .filter(pl.col("component").is_in(list(to_cut)))
                .partition_by("component", as_dict=True, include_key=False, maintain_order=True))
    no_edges = edges.clear()
    for component in sorted(to_cut):
        uids = set(members_of[component])
        graph = _capacity_graph(edges_of.get((component,), no_edges))
        graph.add_nodes_from(uids)
        pending = [(a, b, jid) for a, b, jid in violated if label[a] == component]
        while pending := [p for p in pending if nx.has_path(graph, p[0], p[1])]:
            # The record judged apart from the most others is cut from all of them at once (a minimum
            # cut to a sink joined to each of them): pairwise cuts in turn could, on a tie, cut the
            # others from one another instead (split --record takes one record out of a star).
            ends = Counter(u for a, b, _ in pending for u in (a, b))
            hub = min(ends, key=lambda u: (-ends[u], u))
            group = sorted(p for p in pending if hub in p[:2])
            others = sorted({b if a == hub else a for a, b, _ in group})
            graph.add_edges_from(((o, _SINK) for o in others), capacity=NEVER, kind="sink")
            try:
                value, (side_a, side_b) = nx.minimum_cut(graph, hub, _SINK, capacity="capacity")
            except nx.NetworkXUnbounded:  # networkx raises on a path of merge judgements, never returns inf
                value = NEVER
            graph.remove_node(_SINK)
            if value == NEVER and all(jid == "evidence" for _, _, jid in group):
                pending = [p for p in pending if p not in group]  # merge judgements outrank the evidence
                continue
            if value == NEVER:
                raise JudgementConflict(f"{hub} and {', '.join(others)} are judged different but merge "
                                        "judgements join them")
            cut = sorted((u, v, graph[u][v]["kind"]) for u in side_a if u in graph for v in graph[u] if v in side_b)
            graph.remove_edges_from((u, v) for u, v, _ in cut)
            entry = {"judgement_id": group[0][2], "a": hub, "b": ", ".join(others), "links": [
                {"from": u, "to": v, "kind": k} for u, v, k in cut]}
            if len(group) > 1:
                entry["judgement_ids"] = [jid for _, _, jid in group]
            evidence_of = [why[(a, b)] for a, b, jid in group if jid == "evidence" and (a, b) in why]
            if evidence_of:
                entry["evidence"] = [{"a": e["a_uid"], "b": e["b_uid"], "probability": e["probability"],
                                      "against": e["against"]} for e in evidence_of]
            cuts.append(entry)
        for part in nx.connected_components(graph):
            members = [n for n in part if n in uids]
            if members and any(label[m] == component for m in members):
                for m in members:
                    label[m] = next_label
                next_label += 1
    return pl.DataFrame({"uid": list(label), "component": list(label.values())}), cuts


def _capacity_graph(edges: pl.DataFrame) -> nx.Graph:
    graph = nx.Graph()
    for a, b, kind, weight in edges.select("a", "b", "kind", "weight").iter_rows():
        capacity = NEVER if kind == "same" else IDENTIFIER_CAPACITY if kind == "identifier" else float(weight)
        if graph.has_edge(a, b):
            graph[a][b]["capacity"] += capacity
        else:
            graph.add_edge(a, b, capacity=capacity, kind=kind)
    return graph
