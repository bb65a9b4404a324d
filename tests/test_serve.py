"""`idgraph serve`: the real server, started as a subprocess on a free port, spoken to over HTTP, on both
stores: auth and roles, bad input, rows answered with their profiles, lookups, the merge/split/undo/forget
round trip, and a kill -9 in the middle of writes that loses no acknowledged row."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import small_project

WRITE, READ = "write-token-alice", "read-token-bob"
HEADERS_W = {"Authorization": f"Bearer {WRITE}"}
HEADERS_R = {"Authorization": f"Bearer {READ}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`idgraph serve` in a subprocess; start() waits until /readyz answers 200."""

    def __init__(self, folder: Path, store: str, env: dict[str, str]):
        self.folder, self.store, self.env = folder, store, env
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = folder / "server.log"

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, "-c", "from idgraph.cli.app import main; main()", "-m", str(self.folder / "idgraph.yaml"),
                "--store", self.store, *args]

    def start(self, *extra: str) -> "Server":
        """Start serving; the first time, with Ann Lee's record (crm:1) posted."""
        first = self.proc is None
        cmd = self.cli("serve", "--port", str(self.port), *extra)
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=self.log.open("a", encoding="utf-8"), start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            assert self.proc.poll() is None, f"the server stopped: {self.log.read_text()[-3000:]}"
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    if first:
                        _records(self, {"id": "1", "first": "Ann", "last": "Lee", "email": "ann@mailbox.co.uk",
                                        "phone": "07700 900001"})
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"not ready in 120 s: {self.log.read_text()[-3000:]}")

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the server and its writer process, at once
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()

    def get(self, path: str, headers=HEADERS_R, **kw) -> httpx.Response:
        return httpx.get(self.url + path, headers=headers, timeout=60, **kw)

    def post(self, path: str, body=None, headers=HEADERS_W, **kw) -> httpx.Response:
        return httpx.post(self.url + path, json=body, headers=headers, timeout=60, **kw)


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def served(request, tmp_path):
    """A project (a CRM and a clickstream) and the server on it, with a write and a read token."""
    small_project(tmp_path, [])
    env = {**os.environ, "IDGRAPH_SERVE_TOKENS": f"alice:write:{WRITE},bob:read:{READ}"}
    env.pop("IDGRAPH_STORE", None)
    if request.param == "neo4j":
        server = request.getfixturevalue("neo4j_clean")
        env.update(NEO4J_URI=server.uri, NEO4J_USERNAME=server.user, NEO4J_PASSWORD=server.password,
                   NEO4J_DATABASE=server.database)
    server = Server(tmp_path, request.param, env)
    yield server
    server.stop()


def _records(server: Server, *rows: dict, source: str = "crm") -> list[dict]:
    resp = server.post(f"/v1/sources/{source}/records", {"rows": list(rows)})
    assert resp.status_code == 200, resp.text
    return resp.json()["rows"]


def test_tokens_and_roles(served):
    served.start()
    assert httpx.get(served.url + "/healthz").status_code == 200
    assert httpx.get(served.url + "/docs").status_code == 200
    assert "/v1/profiles/{profile_id}" in httpx.get(served.url + "/openapi.json").json()["paths"]
    row = {"id": "2", "first": "Ann", "last": "Lee", "email": "ann@mailbox.co.uk"}
    assert served.post("/v1/sources/crm/records", {"rows": [row]}, headers={}).status_code == 401
    wrong = served.post("/v1/sources/crm/records", {"rows": [row]}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert served.get("/v1/profiles?email=ann@mailbox.co.uk", headers={}).status_code == 401
    refused = served.post("/v1/sources/crm/records", {"rows": [row]}, headers=HEADERS_R)
    assert refused.status_code == 403 and "write role" in refused.json()["detail"]
    assert served.post("/v1/merge", {"a": "crm:1", "b": "crm:2"}, headers=HEADERS_R).status_code == 403
    assert served.post("/v1/forget", {"email": "ann@mailbox.co.uk"}, headers=HEADERS_R).status_code == 403
    assert served.post("/v1/sources/crm/records", {"rows": [row]}).status_code == 200
    found = served.get("/v1/profiles?email=ann@mailbox.co.uk")
    assert found.status_code == 200 and {c["uid"] for c in found.json()["customers"]} == {"crm:1", "crm:2"}
    metrics = served.get("/metrics")
    assert metrics.status_code == 200
    assert 'idgraph_http_request_seconds_count{method="POST",route="/v1/sources/{source}/records",status="200"}' \
        in metrics.text
    assert 'idgraph_rows_total{outcome="stored",source="crm"} 2.0' in metrics.text
    assert served.get("/metrics", headers={}).status_code == 401


def test_bad_input_is_refused_with_reasons(served):
    served.start("--max-body", "4096")
    bad_json = httpx.post(served.url + "/v1/sources/crm/records", content=b"{not json", headers={
        **HEADERS_W, "content-type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["detail"][0]["type"] == "json_invalid"
    missing = served.post("/v1/sources/crm/records", {"row": []})
    assert missing.status_code == 422
    assert {tuple(e["loc"]) for e in missing.json()["detail"]} >= {("body", "rows"), ("body", "row")}
    assert served.post("/v1/sources/crm/records", {"rows": []}).status_code == 422
    assert served.post("/v1/sources/nowhere/records", {"rows": [{"id": "1"}]}).status_code == 404
    assert served.post("/v1/sources/web/records", {"rows": [{"id": "1"}]}).status_code == 404  # events go to /events
    big = served.post("/v1/sources/crm/records", {"rows": [{"id": str(i), "first": "x" * 50} for i in range(100)]})
    assert big.status_code == 413
    assert served.post("/v1/split", {"profile": "P1"}).status_code == 422  # neither keep_apart nor record
    assert served.post("/v1/forget", {"email": "a@mailbox.co.uk", "phone": "1"}).status_code == 422
    assert served.get("/v1/profiles?email=a@mailbox.co.uk&phone=1").status_code == 422
    assert served.get("/v1/profiles?shoe_size=9").status_code == 422
    assert served.get("/v1/profiles?email=nobody@mailbox.co.uk").status_code == 404
    assert served.get("/v1/profiles/P000000000000").status_code == 404
    # rows the mapping cannot take are answered with their reason and kept in the service's quarantine
    answer = _records(served, {"first": "No", "last": "Id"}, {"id": "9", "first": {"a": 1}},
                      {"id": "10", "first": "Bo", "last": "Ek", "email": "bo@mailbox.co.uk"})
    assert [bool(a["refused"]) for a in answer] == [True, True, False]
    assert "id" in answer[0]["refused"] and "first_name" in answer[1]["refused"]
    assert answer[2]["profile_id"] and answer[2]["profile"] == "new"
    events = served.post("/v1/sources/web/events", {"rows": [{"event_id": "e1", "ts": "yesterday"}]}).json()
    assert events["rows"][0]["refused"].startswith("timestamp")
    kept = [json.loads(line) for line in (served.folder / "quarantine" / "serve" / "crm.jsonl").read_text().splitlines()]
    assert [k["raw"] for k in kept] == [{"first": "No", "last": "Id"}, {"id": "9", "first": {"a": 1}}]
    log = served.log.read_text()
    assert "bo@mailbox.co.uk" not in log and "nobody@mailbox.co.uk" not in log and "POST /v1/sources/{source}/records" in log
    if served.store == "neo4j":
        assert served.env["NEO4J_PASSWORD"] not in log


def test_rows_lookups_timeline_and_explain(served):
    served.start()
    first = _records(served, {"id": "2", "first": "Ann", "last": "Lee", "email": "ANN@mailbox.co.uk"})[0]
    assert first["uid"] == "crm:2" and first["profile"] == "grew"
    pid = first["profile_id"]
    new = _records(served, {"id": "3", "first": "Cy", "last": "Ro", "phone": "07700 900003", "nid": "x"})[0]
    assert new["profile"] == "new" and new["profile_id"] != pid
    for query in ("email=ann@mailbox.co.uk", "phone=%2B447700900001", "phone=07700900001", "record=crm:2"):
        got = served.get(f"/v1/profiles?{query}")
        assert got.status_code == 200 and got.json()["profile_id"] == pid, query
    events = [{"event_id": f"e{i}", "ts": f"2024-01-0{i}T10:00:00Z", "cookie": "ck-1", "event": "view", "user_id": "2"}
              for i in range(1, 6)]
    answered = served.post("/v1/sources/web/events", {"rows": events}).json()["rows"]
    assert {a["profile_id"] for a in answered} == {pid}
    assert served.get("/v1/profiles?device=ck-1").json()["profile_id"] == pid
    page = served.get(f"/v1/profiles/{pid}/timeline?offset=1&limit=2").json()
    assert page["total"] == 5 and [e["uid"] for e in page["interactions"]] == ["web:e2", "web:e3"]
    why = served.get("/v1/explain", params={"a": "crm:1", "b": "crm:2"}).json()
    assert why["together"] and why["steps"][0]["kind"] == "identifier"
    apart = served.get("/v1/explain", params={"a": "crm:1", "b": "crm:3"}).json()
    assert not apart["together"] and apart["apart"]


def test_the_profile_answer_carries_its_households_and_traits(served):
    """The service answers with queries/profile.ProfileView: the households (with their members) and the
    traits that resolve wrote in the transaction of the profiles, as `idgraph show` prints them."""
    served.start()
    ida, joe = _records(served, {"id": "7", "first": "Ida", "last": "Moss", "email": "ida@mailbox.co.uk",
                                 "postcode": "N1 9GU"},
                        {"id": "8", "first": "Joe", "last": "Moss", "email": "joe@mailbox.co.uk", "postcode": "N1 9GU"})
    assert ida["profile_id"] != joe["profile_id"]
    events = [{"event_id": f"h{i}", "ts": f"2024-02-0{i}T10:00:00Z", "cookie": "ck-7", "event": "view", "user_id": "7"}
              for i in range(1, 4)]
    served.post("/v1/sources/web/events", {"rows": events})
    answer = served.get("/v1/profiles?record=crm:7").json()
    (home,) = answer["households"]
    assert {m["profile_id"] for m in home["members"]} == {ida["profile_id"], joe["profile_id"]}
    assert home["evidence"] == ["surname_postcode"]
    traits = answer["traits"]
    assert (traits["first_seen"], traits["last_seen"]) == ("2024-02-01T10:00:00Z", "2024-02-03T10:00:00Z")
    assert traits["channels"] == ["web"] and traits["orders"] == 0
    assert served.get(f"/v1/profiles/{joe['profile_id']}").json()["households"][0]["household_id"] == home["household_id"]


def test_the_writer_refreshes_stale_traits_a_chunk_at_a_time_while_idle(served):
    """The day changes (here traits.as_of moves on, as midnight moves `today`): the writer computes the
    stale traits between requests, `refresh_chunk` profiles at a time, until every profile is current."""
    small_project(served.folder, [], traits={"as_of": "2026-03-01", "refresh_chunk": 2})
    served.start()
    rows = [{"id": str(10 + i), "first": name, "last": "Tester", "email": f"{name.lower()}@mailbox.co.uk"}
            for i, name in enumerate(["Ava", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus"])]
    ann = served.get("/v1/profiles?record=crm:1").json()["profile_id"]
    pids = {r["profile_id"] for r in _records(served, *rows)} | {ann}
    assert len(pids) == 8

    def days() -> list[str]:
        return [served.get(f"/v1/profiles/{p}").json()["traits"]["traits_as_of"] for p in sorted(pids)]

    assert set(days()) == {"2026-03-01"}
    served.stop()
    small_project(served.folder, [], traits={"as_of": "2026-03-02", "refresh_chunk": 2})
    served.start()  # no request is sent: the writer is idle
    deadline = time.time() + 120
    while set(days()) != {"2026-03-02"} and time.time() < deadline:
        time.sleep(0.2)
    assert set(days()) == {"2026-03-02"}
    chunks = [line for line in served.get("/metrics").text.splitlines()
              if line.startswith('idgraph_write_stage_seconds_count{stage="traits"}')]
    assert chunks and float(chunks[0].split()[-1]) == 4  # eight profiles, two at a time
    one = _records(served, {"id": "30", "first": "Hal", "last": "Tester", "email": "hal@mailbox.co.uk"})[0]
    assert served.get(f"/v1/profiles/{one['profile_id']}").json()["traits"]["traits_as_of"] == "2026-03-02"


def test_declared_identifier_lookup(served):
    small_project(served.folder, [], identifiers={"member_no": {"normalise": ["strip", "upper"]}}, crm_fields={"member_no": "member"})
    served.start()
    row = _records(served, {"id": "5", "first": "Di", "last": "Fo", "member": " ab-77 "})[0]
    assert served.get("/v1/profiles?member_no=AB-77").json()["profile_id"] == row["profile_id"]
    assert served.get("/v1/profiles?member_no=ab-77 ").json()["profile_id"] == row["profile_id"]


def test_merge_split_undo_forget_round_trip(served):
    served.start()
    bo = _records(served, {"id": "2", "first": "Bo", "last": "Ek", "email": "bo@mailbox.co.uk"})[0]
    ann = served.get("/v1/profiles?record=crm:1").json()["profile_id"]
    assert bo["profile_id"] != ann
    merged = served.post("/v1/merge", {"a": "crm:1", "b": "crm:2", "reason": "same customer, checked"})
    assert merged.status_code == 200, merged.text
    judgement = merged.json()["judgements"][0]
    assert judgement["by"] == "alice" and merged.json()["resolve"]["profiles_merged"] == 1
    now = served.get("/v1/profiles?record=crm:2").json()
    assert {c["uid"] for c in now["customers"]} == {"crm:1", "crm:2"}
    gone = bo["profile_id"] if now["profile_id"] == ann else ann
    old = served.get(f"/v1/profiles/{gone}")  # the old id answers where it went
    assert old.status_code == 200 and old.json()["profile_id"] == now["profile_id"]
    assert old.json()["lineage"] and old.headers["content-location"] == f"/v1/profiles/{now['profile_id']}"
    assert served.post("/v1/merge", {"a": "crm:1", "b": "crm:404"}).status_code == 404

    conflict = served.post("/v1/split", {"profile": now["profile_id"], "record": "crm:2"})
    assert conflict.status_code == 409  # against alice's merge: withdraw it first
    undone = served.post("/v1/undo", {"judgement_ids": [judgement["judgement_id"]], "reason": "wrong"})
    assert undone.status_code == 200 and undone.json()["judgements"][0]["deleted_at"]
    assert served.get("/v1/profiles?record=crm:2").json()["profile_id"] != \
        served.get("/v1/profiles?record=crm:1").json()["profile_id"]
    again = served.post("/v1/undo", {"judgement_ids": [judgement["judgement_id"]]})
    assert again.status_code == 409 and "already withdrawn" in again.json()["detail"]

    bo2 = _records(served, {"id": "3", "first": "Bo", "last": "Ek", "email": "bo@mailbox.co.uk"})[0]
    assert bo2["profile"] == "grew" and bo2["profile_id"] == served.get("/v1/profiles?record=crm:2").json()["profile_id"]
    split = served.post("/v1/split", {"profile": bo2["profile_id"], "record": "crm:3", "reason": "a namesake"})
    assert split.status_code == 200 and split.json()["judgements"][0]["by"] == "alice"
    apart = served.get("/v1/profiles?record=crm:3").json()["profile_id"]
    assert apart != served.get("/v1/profiles?record=crm:2").json()["profile_id"]
    refused = served.post("/v1/forget", {"email": "bo@mailbox.co.uk"})
    assert refused.status_code == 409  # the email is held by two profiles now: it names no one person

    forgotten = served.post("/v1/forget", {"record": "crm:2", "suppress": True})
    assert forgotten.status_code == 200, forgotten.text
    assert forgotten.json()["forget"]["customers"] == 1
    assert served.get("/v1/profiles?record=crm:2").status_code == 404
    assert served.get("/v1/profiles?record=crm:3").json()["profile_id"] == apart
    back = _records(served, {"id": "2", "first": "Bo", "last": "Ek", "email": "bo@mailbox.co.uk"})[0]
    assert back["suppressed"] and back["profile_id"] is None


def test_kill_9_in_the_middle_of_writes_loses_no_acknowledged_row(served):
    served.start()
    acked: list[str] = []
    stop = threading.Event()

    def client(k: int) -> None:
        with httpx.Client(base_url=served.url, headers=HEADERS_W, timeout=30) as http:
            for i in range(10_000):
                if stop.is_set():
                    return
                rows = [{"id": f"k{k}-{i}-{j}", "first": "Kim", "last": f"N{k}", "email": f"k{k}.{i}@mailbox.co.uk"}
                        for j in range(1 + i % 3)]
                try:
                    resp = http.post("/v1/sources/crm/records", json={"rows": rows})
                except httpx.HTTPError:
                    return  # the server died under this request: it was never acknowledged
                if resp.status_code == 200:
                    acked.extend(r["uid"] for r in resp.json()["rows"] if r["profile_id"])

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 60
    while len(acked) < 40 and time.time() < deadline:
        time.sleep(0.05)
    served.kill9()
    stop.set()
    for t in threads:
        t.join(30)
    assert len(acked) >= 40
    served.start()  # the same store: the writer catches up on what the killed run left
    missing = [uid for uid in acked if served.get(f"/v1/profiles?record={uid}").status_code != 200]
    assert missing == []


def test_reads_during_writes_see_every_acknowledged_row_and_whole_profiles(served):
    """Lookups run on pooled connections while the writer writes: once a row is acknowledged, every
    lookup that starts afterwards finds it in its profile, and a profile is never seen half written (the
    records holding its email are all of its records)."""
    served.start()
    acked: list[str] = []
    problems: list[str] = []
    done = threading.Event()

    def write() -> None:
        with httpx.Client(base_url=served.url, headers=HEADERS_W, timeout=60) as http:
            for i in range(2, 7):  # eight holders of the email in all: under the guard's ten
                rows = [{"id": f"{i}-{j}", "first": "Ann", "last": "Lee", "email": "ann@mailbox.co.uk"}
                        for j in range(1 + i % 2)]
                resp = http.post("/v1/sources/crm/records", json={"rows": rows})
                assert resp.status_code == 200, resp.text
                acked.extend(r["uid"] for r in resp.json()["rows"])
        done.set()

    def read() -> None:
        with httpx.Client(base_url=served.url, headers=HEADERS_R, timeout=60) as http:
            while not done.is_set():
                before = list(acked)
                resp = http.get("/v1/profiles", params={"email": "ann@mailbox.co.uk", "limit": 0})
                if resp.status_code != 200:
                    problems.append(f"{resp.status_code} {resp.text}")
                    continue
                view = resp.json()
                members = {c["uid"] for c in view["customers"]}
                holders = next(set(i["customers"].split()) for i in view["identifiers"] if i["kind"] == "email")
                if not set(before) <= members:
                    problems.append(f"acknowledged rows missing: {sorted(set(before) - members)}")
                if holders != members:
                    problems.append(f"half written: members {sorted(members)}, email holders {sorted(holders)}")

    threads = [threading.Thread(target=write), *(threading.Thread(target=read) for _ in range(3))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(acked) == 7 and problems == []


def test_the_writer_process_runs_below_the_serving_process(served):
    """Lookups must not queue behind a resolve: the writer takes what the reads leave of the cores."""
    from idgraph.service.writer import WRITER_NICE

    served.start()
    children = Path(f"/proc/{served.proc.pid}/task/{served.proc.pid}/children").read_text().split()
    nice = {int(c): int(Path(f"/proc/{c}/stat").read_text().rsplit(")", 1)[1].split()[16]) for c in children}
    server = int(Path(f"/proc/{served.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    assert server + WRITER_NICE in nice.values()
