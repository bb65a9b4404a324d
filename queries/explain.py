"""Explain: why two records (or profiles) are together, or why they are apart.

Together: the shortest chain of links that joins them inside their profile, each step with its kind and
evidence: a shared identifier, a probable match with the comparisons that spoke for it, a merge
judgement with who, when and why. Apart: the reasons, each with its evidence: no chain of links at all,
a link below the threshold (MAYBE_SAME, in the review queue), an identifier both hold that is marked
shared (and why), a NOT_SAME_AS judgement (and the chain it cut). A profile id stands for its smallest
record uid.

The chain is a shortest path (fewest record-to-record steps; among those, the strongest links) over the
link edges of the two records' closure (the same edges resolve uses), computed in-process.
"""

from __future__ import annotations

import json
from typing import Literal

import networkx as nx
from pydantic import BaseModel, Field

from idgraph.graph.closure import closure
from idgraph.graph.refs import records_of
from idgraph.graph.records import LinkRow
from idgraph.graph.store import Store

StepKind = Literal["identifier", "probable", "same"]
_STRENGTH = {"same": 3, "identifier": 2, "probable": 1}


class Step(BaseModel):
    from_uid: str
    to_uid: str
    kind: StepKind
    evidence: str  # in words: "shared email x", "probable match 0.98: ...", "merge judgement J ..."
    identifier: str | None = None  # 'kind:value' of a shared identifier
    score: float | None = None
    judgement_id: str | None = None
    comparisons: dict = Field(default_factory=dict)  # a probable link's evidence, as the matcher wrote it


class Reason(BaseModel):
    kind: Literal["not_resolved", "no_link", "below_threshold", "shared_identifier", "not_same", "links_cut"]
    text: str
    detail: dict = Field(default_factory=dict)


class Explanation(BaseModel):
    a: str
    b: str
    a_uid: str
    b_uid: str
    a_profile: str | None
    b_profile: str | None
    together: bool
    steps: list[Step] = Field(default_factory=list)  # the chain joining them (apart: the chain a judgement cut)
    apart: list[Reason] = Field(default_factory=list)


def explain(store: Store, a: str, b: str) -> Explanation:
    a_uids, a_profile = records_of(store, a)
    b_uids, b_profile = records_of(store, b)
    ua, ub = a_uids[0], b_uids[0]
    if ":" in a.strip():
        a_uids = _members(store, a_profile, ua)
    if ":" in b.strip():
        b_uids = _members(store, b_profile, ub)
    together = ua == ub or (a_profile is not None and a_profile == b_profile)
    result = Explanation(a=a, b=b, a_uid=ua, b_uid=ub, a_profile=a_profile, b_profile=b_profile, together=together)
    if ua == ub:
        return result
    scope = closure(store, [ua, ub])
    graph = _graph(store.link_edges(scope))
    if together:
        members = set(a_uids)
        inside = graph.subgraph([n for n in graph if n in members or not _is_customer(n, graph)])
        path = _shortest(inside, ua, ub) or _shortest(graph, ua, ub)
        result.steps = _steps(store, graph, path) if path else []
        return result
    side_a, side_b = set(a_uids), set(b_uids)
    if a_profile is None or b_profile is None:
        result.apart.append(Reason(kind="not_resolved", text="not resolved yet: run `idgraph resolve` (a record "
                                   "without a profile is in no one's profile)"))
    judged = [j for j in store.judgements(sorted(side_a | side_b)) if j["kind"] == "not_same"
              and ((j["a_uid"] in side_a and j["b_uid"] in side_b) or (j["a_uid"] in side_b and j["b_uid"] in side_a))]
    path = _shortest(graph, ua, ub)
    if path:
        result.steps = _steps(store, graph, path)
        if not judged:  # kept apart by a judgement between other records of the component
            judged = [j for j in store.judgements(scope) if j["kind"] == "not_same"]
        crossing = _crossing(graph, side_a, side_b)
        if crossing:
            result.apart.append(Reason(
                kind="links_cut", text="links between the two sides, cut to keep them apart: " + ", ".join(
                    f"{u}-{v} ({k})" for u, v, k in crossing),
                detail={"links": [{"from": u, "to": v, "kind": k} for u, v, k in crossing]}))
    else:
        result.apart.append(Reason(kind="no_link", text=f"no chain of links joins {ua} and {ub}"))
    for j in judged:
        result.apart.append(Reason(
            kind="not_same", text=f"judged different: {j['a_uid']} is not {j['b_uid']} (judgement {j['judgement_id']} "
            f"by {j['by']} on {j['at']}" + (f": {j['reason']}" if j.get("reason") else "") + ")",
            detail={k: j.get(k) for k in ("judgement_id", "a_uid", "b_uid", "by", "at", "reason")}))
    for link in store.links(touching=sorted(side_a | side_b)):
        if link.kind == "review" and ((link.a_uid in side_a and link.b_uid in side_b)
                                      or (link.a_uid in side_b and link.b_uid in side_a)):
            result.apart.append(Reason(
                kind="below_threshold",
                text=f"a possible match {link.a_uid}-{link.b_uid} scored {link.score:.3g}, below the threshold "
                     f"(in the review queue): {_comparisons_text(link)}",
                detail={"a_uid": link.a_uid, "b_uid": link.b_uid, "score": link.score,
                        "comparisons": _evidence(link)}))
    held: dict[tuple[str, str], dict] = {}
    for row in store.customer_identifiers(sorted(side_a | side_b)):
        entry = held.setdefault((row["kind"], row["value"]), {"a": set(), "b": set(), **row})
        entry["a" if row["uid"] in side_a else "b"].add(row["uid"])
    for (kind, value), entry in sorted(held.items()):
        if entry["a"] and entry["b"] and entry["shared"]:
            result.apart.append(Reason(
                kind="shared_identifier",
                text=f"both hold {kind} {value}, but it is marked shared and does not link: {entry['shared_reason']}",
                detail={"identifier": f"{kind}:{value}", "reason": entry["shared_reason"],
                        "a": sorted(entry["a"]), "b": sorted(entry["b"])}))
    return result


# -- the graph ---------------------------------------------------------------------------------------
def _members(store: Store, profile_id: str | None, uid: str) -> list[str]:
    if profile_id is None:
        return [uid]
    return sorted(m["uid"] for m in store.profile_members(profile_id)) or [uid]


def _is_customer(node: str, graph: nx.Graph) -> bool:
    return graph.nodes[node].get("customer", False)


def _graph(edges) -> nx.Graph:
    """Customers and identifiers; an identifier hop costs half a step, so a shared identifier and a
    probable link both count as one record-to-record step; stronger links cost a little less."""
    graph = nx.Graph()
    for a, b, kind, weight in edges.select("a", "b", "kind", "weight").iter_rows():
        graph.add_node(a, customer=True)
        if kind != "identifier":
            graph.add_node(b, customer=True)
        cost = 0.5 if kind == "identifier" else 1.0 if kind == "same" else 1.0 + (1.0 - float(weight)) * 0.01
        old = graph.get_edge_data(a, b)
        if old is None or _STRENGTH[kind] > _STRENGTH[old["kind"]]:
            graph.add_edge(a, b, kind=kind, weight=float(weight), cost=cost)
    for node in graph:
        graph.nodes[node].setdefault("customer", False)
    return graph


def _shortest(graph: nx.Graph, a: str, b: str) -> list[str] | None:
    if a not in graph or b not in graph:
        return None
    try:
        return nx.shortest_path(graph, a, b, weight="cost")
    except nx.NetworkXNoPath:
        return None


def _crossing(graph: nx.Graph, side_a: set[str], side_b: set[str]) -> list[tuple[str, str, str]]:
    """Links from one side to the other: record-record links, and identifier edges of an identifier both
    sides reach (the edge on the b side, as the minimum cut reports it)."""
    found = []
    for u in sorted(side_a):
        if u not in graph:
            continue
        for v in sorted(graph[u]):
            kind = graph[u][v]["kind"]
            if v in side_b:
                found.append((u, v, kind))
            elif kind == "identifier":
                found.extend((v, w, "identifier") for w in sorted(graph[v]) if w in side_b)
    return sorted(set(found))


def _steps(store: Store, graph: nx.Graph, path: list[str]) -> list[Step]:
    customers = [n for n in path if _is_customer(n, graph)]
    links = {(l.a_uid, l.b_uid): l for l in store.links(touching=customers)}
    judgements = {(j["a_uid"], j["b_uid"]): j for j in store.judgements(customers) if j["kind"] == "same"}
    steps: list[Step] = []
    i = 0
    while i < len(path) - 1:
        u, v = path[i], path[i + 1]
        kind = graph[u][v]["kind"]
        if kind == "identifier":  # customer - identifier - customer
            ident, w = v, path[i + 2]
            k, _, value = ident.partition(":")
            steps.append(Step(from_uid=u, to_uid=w, kind="identifier", identifier=ident, evidence=f"shared {k} {value}"))
            i += 2
            continue
        pair = (min(u, v), max(u, v))
        if kind == "same":
            j = judgements.get(pair, {})
            steps.append(Step(from_uid=u, to_uid=v, kind="same", judgement_id=j.get("judgement_id"),
                              evidence=f"merge judgement {j.get('judgement_id')} by {j.get('by')} on {j.get('at')}"
                                       + (f": {j['reason']}" if j.get("reason") else "")))
        else:
            link = links.get(pair)
            score = link.score if link else graph[u][v]["weight"]
            steps.append(Step(from_uid=u, to_uid=v, kind="probable", score=score,
                              comparisons=_evidence(link) if link else {},
                              evidence=f"probable match {score:.3g}" + (f": {_comparisons_text(link)}" if link else "")))
        i += 1
    return steps


def _evidence(link: LinkRow) -> dict:
    try:
        found = json.loads(link.evidence)
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _comparisons_text(link: LinkRow) -> str:
    """'first name nickname, dob exact, postcode district': the comparisons that spoke for the match,
    strongest first."""
    spoke = []
    for name, level in _evidence(link).items():
        if isinstance(level, dict) and (level.get("weight") or 0) > 0:
            spoke.append((level["weight"], f"{name.replace('_', ' ')} {level.get('level', '')}".strip()))
    return ", ".join(text for _, text in sorted(spoke, key=lambda x: -x[0])) or "no single comparison stood out"
