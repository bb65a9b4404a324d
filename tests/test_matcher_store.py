"""The link job and the review queue on a real store, over generated data with ground truth; the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from idgraph.cli import link as link_cli
from idgraph.cli.context import State
from idgraph.ingest.jobs.resolve import resolve
from idgraph.graph.stores import open_store
from idgraph.ingest.jobs import review
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link, load_model, model_path_for
from idgraph.ingest.mapping import load_mapping
from idgraph.ingest.matcher import settings_for
from idgraph.lab.synthetic import generate
from idgraph.queries.truth import evaluate
from tests.helpers import to_link


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("linkjob")
    gen = generate(folder, people=600, seed=5)
    mapping = load_mapping(gen.mapping_path)
    store = open_store(mapping, "embedded")
    ingest(store, mapping)
    summary = link(store, mapping)
    yield gen, mapping, store, summary
    store.close()


def test_first_link_trains_saves_and_links(project) -> None:
    gen, mapping, store, summary = project
    assert summary.mode == "incremental" and summary.model_trained
    assert summary.records_considered == summary.records > 0
    path = Path(summary.model_path)
    assert path == model_path_for(mapping, settings_for(mapping)) and path.exists()
    assert sum(summary.pairs_per_rule.values()) == summary.pairs_compared
    assert summary.links_written > 0
    assert set(summary.seconds) >= {"read", "blocking", "compare", "train", "score", "write"}
    links = store.links("probable")
    assert len(links) == summary.links_written
    assert all(r.a_uid < r.b_uid for r in links)
    ev = json.loads(links[0].evidence)
    assert {"first_name", "last_name", "dob", "probability"} <= ev.keys()


def test_profiles_are_precise(project) -> None:
    gen, mapping, store, _ = project
    resolve(store, mapping)
    result = evaluate(store, gen.truth_path)
    assert result.pairwise_precision >= 0.97
    assert result.pairwise_recall >= 0.75
    assert result.profiles_joining_more_than_3_people == 0


def test_second_run_with_nothing_new_does_nothing(project) -> None:
    _, mapping, store, _ = project
    assert link(store, mapping).mode == "none"


def test_full_relink_is_idempotent(project) -> None:
    _, mapping, store, _ = project
    before = {(r.a_uid, r.b_uid, r.kind) for kind in ("probable", "review") for r in store.links(kind)}
    summary = link(store, mapping, full=True)
    assert summary.mode == "full" and not summary.model_trained
    after = {(r.a_uid, r.b_uid, r.kind) for kind in ("probable", "review") for r in store.links(kind)}
    assert after == before


def test_review_accept_and_reject(project) -> None:
    _, mapping, store, _ = project
    queue = review.queue(store, limit=None)
    if len(queue) < 2:
        pytest.skip("this data set left fewer than two pairs to review")
    first, second = queue[0], queue[1]
    assert first.a["uid"] == first.a_uid and "level" in next(iter(v for v in first.evidence.values() if isinstance(v, dict)))
    d = review.decide(store, first.a_uid, first.b_uid, True, by="tester", reason="same card number")
    assert d.same and d.judgement_id
    review.decide(store, second.b_uid, second.a_uid, False, by="tester")
    left = {(i.a_uid, i.b_uid) for i in review.queue(store, limit=None)}
    assert (first.a_uid, first.b_uid) not in left and (second.a_uid, second.b_uid) not in left
    kinds = {j["kind"] for j in store.judgements([first.a_uid, second.a_uid])}
    assert kinds == {"same", "not_same"}


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context, mapping: Path = typer.Option(..., "--mapping")) -> None:
        ctx.obj = State(mapping, "embedded")

    link_cli.register(app)
    return app


def test_cli_commands(project) -> None:
    gen, mapping, store, _ = project
    runner = CliRunner()
    app = _app()
    m = ["--mapping", str(gen.mapping_path)]
    shown = runner.invoke(app, [*m, "model", "show"])
    assert shown.exit_code == 0, shown.output
    assert "first_name" in shown.output and "nickname" in shown.output
    as_json = runner.invoke(app, [*m, "model", "show", "--json"])
    assert json.loads(as_json.output)["prior"]["probability"] > 0
    listed = runner.invoke(app, [*m, "review", "--list", "--json"])
    assert listed.exit_code == 0 and isinstance(json.loads(listed.output), list)
    again = runner.invoke(app, [*m, "link", "--json"])
    assert again.exit_code == 0 and json.loads(again.output)["mode"] in ("none", "incremental")
    bad = runner.invoke(app, [*m, "review", "--accept", "crm:nobody", "crm:nothing"])
    assert bad.exit_code == 1 and "not in the review queue" in bad.output


def test_model_train_command_writes_the_model(project, tmp_path: Path) -> None:
    gen, mapping, store, _ = project
    runner = CliRunner()
    result = runner.invoke(_app(), ["--mapping", str(gen.mapping_path), "model", "train", "--json"])
    assert result.exit_code == 0, result.output
    model, path = load_model(mapping)
    assert json.loads(result.output)["model_path"] == str(path)
    assert model.prior.records > 0


def test_incremental_run_links_only_the_new_records(tmp_path: Path) -> None:
    gen = generate(tmp_path, people=400, seed=9)
    mapping = load_mapping(gen.mapping_path)
    store = open_store(mapping, "embedded")
    try:
        ingest(store, mapping, ["crm", "loyalty"])
        first = link(store, mapping)
        before = {(r.a_uid, r.b_uid) for kind in ("probable", "review") for r in store.links(kind)}
        ingest(store, mapping, ["newsletter"])
        new = set(to_link(store))
        assert new and all(u.startswith("newsletter:") for u in new)
        second = link(store, mapping)
        assert second.mode == "incremental" and not second.model_trained
        # the new records, and the few whose identifiers the guard just marked shared
        assert len(new) <= second.records_considered <= len(new) + 4 * max(second.identifiers_marked_shared, 1)
        assert second.records == first.records + len(new)
        after = {(r.a_uid, r.b_uid) for kind in ("probable", "review") for r in store.links(kind)}
        added = after - before
        assert added
        assert sum(a in new or b in new for a, b in added) >= 0.9 * len(added)
        assert to_link(store) == []
    finally:
        store.close()
