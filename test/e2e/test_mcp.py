"""The MCP server (POST .../method/mcp) seen through daprd with raw JSON-RPC:
the envelope rules, transport refusals, every tool, the cross-user security
matrix over all 16 tools, inert injection-looking arguments, and MCP changes
producing the same events and activity entries as REST ones.

The official clients (TypeScript, Python) and the conformance suite are
driven by test_mcp_clients.py."""
import json
import urllib.request

import pytest

from conftest import poll

TOOLS = ["add_task", "list_tasks", "complete_task", "delete_task", "update_task",
         "set_task_recurrence", "skip_task_occurrence", "set_task_due_date", "create_reminder",
         "list_reminders", "set_task_priority", "add_tag_to_task", "remove_tag_from_task",
         "list_tags", "search_tasks", "get_activity_logs"]


class Mcp:
    def __init__(self, api):
        self.api = api
        self.n = 0

    def post(self, body, user=None, token=None, headers=None, raw=None):
        h = {"Accept": "application/json, text/event-stream"}
        h.update(headers or {})
        return self.api.request("POST", "mcp", user=user, token=token, body=body, raw=raw, headers=h)

    def rpc(self, user, method, params=None):
        self.n += 1
        msg = {"jsonrpc": "2.0", "id": self.n, "method": method}
        if params is not None:
            msg["params"] = params
        r = self.post(msg, user=user)
        assert r.status == 200, r
        body = r.json()
        assert body["id"] == self.n and body["jsonrpc"] == "2.0", body
        return body

    def call(self, user, name, **args):
        body = self.rpc(user, "tools/call", {"name": name, "arguments": args})
        assert "result" in body, body
        return body["result"]

    def ok(self, user, name, **args):
        res = self.call(user, name, **args)
        assert res["isError"] is False, res
        assert json.loads(res["content"][0]["text"]) == res["structuredContent"]
        return res["structuredContent"]

    def fails(self, user, name, **args):
        res = self.call(user, name, **args)
        assert res["isError"] is True, res
        assert "structuredContent" not in res
        return res["content"][0]["text"]


@pytest.fixture
def mcp(api):
    return Mcp(api)


# ---- envelope and transport ----

def test_initialize_echoes_known_versions(mcp, user):
    for v in ["2025-11-25", "2025-06-18", "2025-03-26"]:
        res = mcp.rpc(user, "initialize", {"protocolVersion": v, "capabilities": {},
                                           "clientInfo": {"name": "t", "version": "1"}})["result"]
        assert res["protocolVersion"] == v
        assert res["capabilities"] == {"tools": {"listChanged": False}}
        assert res["serverInfo"]["name"] == "todod"
    res = mcp.rpc(user, "initialize", {"protocolVersion": "2024-01-01"})["result"]
    assert res["protocolVersion"] == "2025-11-25"


def test_stateless_no_session_and_ping(mcp, user):
    # No initialize first: any request is served (replicas share nothing).
    r = mcp.post({"jsonrpc": "2.0", "id": "p", "method": "ping"}, user=user)
    assert r.status == 200 and r.json() == {"jsonrpc": "2.0", "id": "p", "result": {}}
    assert not any(k.lower() == "mcp-session-id" for k in r.headers)
    assert r.headers.get("Content-Type", "").startswith("application/json")


def test_notifications_and_responses_get_empty_200(mcp, user):
    for msg in [{"jsonrpc": "2.0", "method": "notifications/initialized"},
                {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}},
                {"jsonrpc": "2.0", "id": 5, "result": {}}]:
        r = mcp.post(msg, user=user)
        assert r.status == 200 and r.body == b"", r


@pytest.mark.parametrize("raw,code", [
    (b"{not json", -32700),
    (b"", -32700),
    (b'[{"jsonrpc":"2.0","id":1,"method":"ping"}]', -32600),
    (b'"ping"', -32600),
    (b'{"jsonrpc":"2.0","id":null,"method":"ping"}', -32600),
    (b'{"jsonrpc":"2.0","id":1.5,"method":"ping"}', -32600),
    (b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', -32600),
    (b'{"jsonrpc":"1.0","id":1,"method":"ping"}', -32600),
    (b'{"jsonrpc":"2.0","id":1}', -32600),
    (b'{"jsonrpc":"2.0","id":1,"method":7}', -32600),
    (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}', -32600),
    (b'{"jsonrpc":"2.0","id":1,"method":"ping","id":2}', -32700),
    (b'{"jsonrpc":"2.0","id":1,"method":"resources/list"}', -32601),
    (b'{"jsonrpc":"2.0","id":1,"method":"server/discover"}', -32601),
    (b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope"}}', -32602),
    (b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}', -32602),
    (b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tags","arguments":[]}}', -32602),
])
def test_malformed_messages_get_jsonrpc_errors(mcp, user, raw, code):
    r = mcp.post(None, user=user, raw=raw, headers={"Content-Type": "application/json"})
    assert r.status == 200, r
    body = r.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]


def test_oversize_body_is_refused(mcp, user):
    big = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
           "params": {"name": "add_task", "arguments": {"title": "x" * 3_000_000}}}
    r = mcp.post(big, user=user)
    assert r.status in (200, 400, 413), r
    if r.status == 200:
        assert r.json()["error"]["code"] == -32600


def test_transport_refusals(mcp, api, user):
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    assert mcp.post(ping).status == 401
    assert mcp.post(ping, token="not-a-jwt").status == 401
    assert mcp.post(ping, token=api.token(user, exp_in=-10)).status == 401
    assert mcp.post(ping, token=api.token(user, key="another-key-another-key-another-key")).status == 401
    assert mcp.post(ping, user=user, headers={"Origin": "http://evil.example"}).status == 403
    assert mcp.post(ping, user=user, headers={"Origin": "http://localhost:6274"}).status == 200
    assert mcp.post(ping, user=user, headers={"MCP-Protocol-Version": "1999-01-01"}).status == 400
    assert mcp.post(ping, user=user, headers={"MCP-Protocol-Version": "2025-11-25"}).status == 200
    # A GET (the client's event stream) must never be OK through daprd.
    for verb in ["GET", "DELETE", "PUT"]:
        r = api.request(verb, "mcp", user=user, headers={"Accept": "text/event-stream"})
        assert r.status >= 400, (verb, r)


# ---- tools ----

def test_tools_list_is_complete_and_strict(mcp, user):
    tools = mcp.rpc(user, "tools/list")["result"]["tools"]
    assert [t["name"] for t in tools] == TOOLS
    for t in tools:
        assert t["description"] and t["title"]
        s = t["inputSchema"]
        assert s["type"] == "object" and s["additionalProperties"] is False
        assert "user_id" not in s.get("properties", {})
        assert t["outputSchema"]["type"] == "object"
        a = t["annotations"]
        assert a["openWorldHint"] is False
        assert a["readOnlyHint"] == (t["name"].startswith(("list_", "search_", "get_")))
        assert a["destructiveHint"] == (t["name"] == "delete_task")


def test_every_tool_works(mcp, api, user):
    t = mcp.ok(user, "add_task", title="  water plants ", priority="low",
               due_datetime="2030-01-06T09:00:00Z", tags=["home"])
    assert t["title"] == "water plants" and t["priority"] == "Low"
    tid = t["id"]
    assert [x["id"] for x in mcp.ok(user, "list_tasks")["tasks"]] == [tid]
    assert mcp.ok(user, "update_task", task_id=tid, description="balcony")["description"] == "balcony"
    assert mcp.ok(user, "set_task_priority", task_id=tid, priority="High")["priority"] == "High"
    assert mcp.ok(user, "set_task_due_date", task_id=tid,
                  due_datetime="2030-01-07T09:00:00Z")["due_datetime"].startswith("2030-01-07")
    r = mcp.ok(user, "set_task_recurrence", task_id=tid, recurrence_pattern="weekly",
               recurrence_weekdays=["MO", "TU"])
    assert r["recurrence_pattern"] == "weekly"
    rem = mcp.ok(user, "create_reminder", task_id=tid, before="30m")
    assert rem["task_id"] == tid and rem["status"] == "pending"
    assert [x["id"] for x in mcp.ok(user, "list_reminders", status="pending")["reminders"]] == [rem["id"]]
    link = mcp.ok(user, "add_tag_to_task", task_id=tid, tag_name="garden")
    assert link["attached"] is True
    assert sorted(x["name"] for x in mcp.ok(user, "list_tags")["tags"]) == ["garden", "home"]
    assert mcp.ok(user, "remove_tag_from_task", task_id=tid, tag_id=link["tag_id"])["attached"] is False
    found = mcp.ok(user, "search_tasks", search="plants", priority="High", sort_by="due_date")
    assert [x["id"] for x in found["tasks"]] == [tid]
    assert mcp.ok(user, "search_tasks", filter="priority = Low")["tasks"] == []
    nxt = mcp.ok(user, "skip_task_occurrence", task_id=tid)
    assert nxt["id"] == tid and nxt["skipped"] is True
    series = api.get(f"api/{user}/tasks/{tid}/occurrences", user=user).json()["tasks"]
    assert len(series) == 2
    open_id = [x["id"] for x in series if x["id"] != tid][0]
    done = mcp.ok(user, "complete_task", task_id=open_id)
    assert done["completed"] is True
    again = mcp.ok(user, "complete_task", task_id=open_id)   # idempotent
    assert again["version"] == done["version"]
    assert mcp.ok(user, "delete_task", task_id=tid) == {"id": tid, "deleted": True}
    logs = poll(lambda: (lambda b: b if len(b["entries"]) >= 9 else None)(mcp.ok(user, "get_activity_logs")),
                deadline_s=30, what="activity entries")
    assert all(e["actor"] == {"type": "mcp", "id": user} for e in logs["entries"])


@pytest.mark.parametrize("name,args,words", [
    ("complete_task", {"task_id": 987654321}, "not found"),
    ("add_task", {"title": ""}, "title"),
    ("add_task", {"title": "x", "user_id": "someone"}, "user_id"),
    ("add_task", {"title": "x", "due_datetime": "tomorrow"}, "due_datetime"),
    ("update_task", {"task_id": "1"}, "task_id"),
    ("create_reminder", {"task_id": 987654321, "remind_at": "2020-01-01T00:00:00Z"}, ""),
    ("search_tasks", {"filter": "priority ="}, "filter"),
    ("set_task_priority", {"task_id": 1, "priority": "Urgent"}, "priority"),
    ("add_tag_to_task", {"task_id": 1}, ""),
])
def test_business_failures_are_tool_errors(mcp, user, name, args, words):
    msg = mcp.fails(user, name, **args)
    assert words in msg, msg


def test_past_reminder_is_a_tool_error(mcp, user):
    tid = mcp.ok(user, "add_task", title="late")["id"]
    msg = mcp.fails(user, "create_reminder", task_id=tid, remind_at="2001-01-01T00:00:00Z")
    assert "remind_at" in msg
    assert mcp.ok(user, "list_reminders")["reminders"] == []


# ---- security ----

def snapshot(api, user):
    """Everything of @user that a tool could read or change, through REST."""
    tasks = api.get(f"api/{user}/tasks?limit=200", user=user).json()["tasks"]
    rems = api.get(f"api/{user}/reminders", user=user).json()["reminders"]
    tags = api.get(f"api/{user}/tags", user=user).json()["tags"]
    return tasks, rems, tags


def test_cross_user_matrix(mcp, api, user):
    """User B's token, A's ids in every argument: B never sees or changes A's data."""
    a, b = user + "-a", user + "-b"
    ta = mcp.ok(a, "add_task", title="secret of A", description="A only",
                due_datetime="2030-02-01T10:00:00Z", tags=["a-tag"], recurrence_pattern="daily")
    tid = ta["id"]
    rid = mcp.ok(a, "create_reminder", task_id=tid, before="1h")["id"]
    tag_id = ta["tags"][0]["id"]
    poll(lambda: len(mcp.ok(a, "get_activity_logs")["entries"]) >= 1, deadline_s=30, what="A's activity")
    before = snapshot(api, a)
    acts_before = mcp.ok(a, "get_activity_logs")["entries"]

    writes = {
        "complete_task": {"task_id": tid},
        "delete_task": {"task_id": tid},
        "update_task": {"task_id": tid, "title": "pwned"},
        "set_task_recurrence": {"task_id": tid, "recurrence_pattern": "none"},
        "skip_task_occurrence": {"task_id": tid},
        "set_task_due_date": {"task_id": tid, "due_datetime": None},
        "create_reminder": {"task_id": tid, "before": "5m"},
        "set_task_priority": {"task_id": tid, "priority": "Low"},
        "add_tag_to_task": {"task_id": tid, "tag_id": tag_id},
        "remove_tag_from_task": {"task_id": tid, "tag_id": tag_id},
    }
    for name, args in writes.items():
        msg = mcp.fails(b, name, **args)
        assert "not found" in msg, (name, msg)
        # However the arguments claim to be A, the token decides.
        msg = mcp.fails(b, name, **args, user_id=a)
        assert "user_id" in msg, (name, msg)
    # Creating: a user_id argument is refused, and B's tasks are B's.
    assert "user_id" in mcp.fails(b, "add_task", title="for A?", user_id=a)
    assert mcp.ok(b, "add_task", title="mine")["user_id"] == b
    # B's own tag on A's task: still not found.
    btag = mcp.ok(b, "add_task", title="b", tags=["b-tag"])["tags"][0]["id"]
    assert "not found" in mcp.fails(b, "add_tag_to_task", task_id=tid, tag_id=btag)
    # A's tag on B's task: not found either.
    btask = mcp.ok(b, "add_task", title="b2")["id"]
    assert "not found" in mcp.fails(b, "add_tag_to_task", task_id=btask, tag_id=tag_id)

    reads = {  # tool: (list key, arguments, A's id that must not appear, its id field)
        "list_tasks": ("tasks", {}, tid, "id"),
        "search_tasks": ("tasks", {"search": "secret"}, tid, "id"),
        "list_reminders": ("reminders", {}, rid, "id"),
        "list_tags": ("tags", {}, tag_id, "id"),
        "get_activity_logs": ("entries", {"task_id": tid}, tid, "task_id"),
    }
    for name, (key, args, a_id, field) in reads.items():
        out = mcp.ok(b, name, **args)
        assert all(x[field] != a_id and x.get("user_id", b) == b for x in out[key]), (name, out)
        assert "secret of A" not in json.dumps(out) and "a-tag" not in json.dumps(out), (name, out)
        assert "user_id" in mcp.fails(b, name, **args, user_id=a)
    assert mcp.ok(b, "get_activity_logs", task_id=tid)["entries"] == []
    assert mcp.ok(b, "search_tasks", filter='title ~ "secret"')["tasks"] == []
    assert snapshot(api, a) == before
    assert mcp.ok(a, "get_activity_logs")["entries"] == acts_before
    # And without a token, nothing at all.
    for name in TOOLS:
        r = mcp.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": name, "arguments": {}}})
        assert r.status == 401, (name, r)


INJECTIONS = [
    "'; DROP TABLE tasks; --",
    "x' OR '1'='1",
    '") or 1=1 --',
    '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"delete_task"}}',
    "priority = High or user_id != ''",
    "\\u0000",
    "$(rm -rf /) `id` ${jndi:ldap://x}",
]


def test_injection_looking_arguments_are_inert(mcp, api, user):
    other = user + "-other"
    victim = mcp.ok(other, "add_task", title="other's task")["id"]
    for text in INJECTIONS:
        t = mcp.ok(user, "add_task", title=text[:200], description=text, tags=[text[:50]])
        assert t["title"] == text.strip()[:200] and t["description"] == text
        assert t["tags"][0]["name"] == text[:50].strip()
        found = mcp.ok(user, "search_tasks", search=text)
        assert all(x["user_id"] == user for x in found["tasks"])
        res = mcp.call(user, "search_tasks", filter=text)
        if not res["isError"]:
            assert all(x["user_id"] == user for x in res["structuredContent"]["tasks"])
        for field in ["sort_by", "status", "priority", "tags", "cursor", "due_from"]:
            res = mcp.call(user, "search_tasks", **{field: text})
            if not res["isError"]:
                assert all(x["user_id"] == user for x in res["structuredContent"]["tasks"])
        assert mcp.call(user, "remove_tag_from_task", task_id=t["id"], tag_name=text[:50])["isError"] in (True, False)
    # Nothing of the other user was touched or shown; tables are intact.
    assert mcp.ok(other, "list_tasks")["tasks"][0]["id"] == victim
    assert len(mcp.ok(user, "list_tasks", limit=200)["tasks"]) == len(INJECTIONS)
    # A JSON-RPC message smuggled in an argument stays text.
    text = INJECTIONS[3]
    found = mcp.ok(user, "search_tasks", search="jsonrpc")["tasks"]
    assert [x["description"] for x in found] == [text]


# ---- MCP and REST: the same events and activity ----

def strip(entries):
    return [(e["action"], e["task_version"], e["changes"]) for e in entries]


def test_mcp_and_rest_make_the_same_events(mcp, api, user):
    r_user, m_user = user + "-r", user + "-m"
    due = "2030-03-02T08:00:00Z"
    # REST
    t = api.post(f"api/{r_user}/tasks", user=r_user,
                 body={"title": "same", "priority": "Low", "due_datetime": due}).json()
    rid = t["id"]
    assert api.put(f"api/{r_user}/tasks/{rid}", user=r_user, body={"priority": "High"}).status == 200
    assert api.put(f"api/{r_user}/tasks/{rid}", user=r_user,
                   body={"recurrence_pattern": "daily"}).status == 200
    assert api.post(f"api/{r_user}/tasks/{rid}/reminder", user=r_user, body={"before": "10m"}).status == 200
    assert api.post(f"api/{r_user}/tasks/{rid}/skip-occurrence", user=r_user).status == 200
    r_next = [x for x in api.get(f"api/{r_user}/tasks", user=r_user).json()["tasks"] if x["id"] != rid][0]
    assert api.patch(f"api/{r_user}/tasks/{r_next['id']}/complete", user=r_user).status == 200
    assert api.delete(f"api/{r_user}/tasks/{rid}", user=r_user).status == 200
    # MCP
    mid = mcp.ok(m_user, "add_task", title="same", priority="Low", due_datetime=due)["id"]
    mcp.ok(m_user, "set_task_priority", task_id=mid, priority="High")
    mcp.ok(m_user, "set_task_recurrence", task_id=mid, recurrence_pattern="daily")
    mcp.ok(m_user, "create_reminder", task_id=mid, before="10m")
    mcp.ok(m_user, "skip_task_occurrence", task_id=mid)
    m_next = [x for x in mcp.ok(m_user, "list_tasks")["tasks"] if x["id"] != mid][0]
    mcp.ok(m_user, "complete_task", task_id=m_next["id"])
    mcp.ok(m_user, "delete_task", task_id=mid)

    def acts(u):
        return poll(lambda: (lambda b: b["entries"] if len(b["entries"]) >= 8 else None)(
            api.get(f"api/{u}/activity-logs", user=u).json()), deadline_s=30, what=f"activity of {u}")

    ra, ma = acts(r_user), acts(m_user)
    # created, 2 x updated, skipped, created (next), completed, created
    # (the one after), deleted
    assert len(ra) == len(ma) == 8

    def per_task(entries, first, nxt):
        ids = {first: "first", nxt: "next"}
        return sorted((ids.get(e["task_id"], "other"),) + x for e, x in zip(entries, strip(entries)))

    key = lambda x: json.dumps(x, sort_keys=True)
    assert sorted(map(key, per_task(ra, rid, r_next["id"]))) == sorted(map(key, per_task(ma, mid, m_next["id"])))
    assert {json.dumps(e["actor"]) for e in ra} == {json.dumps({"type": "user", "id": r_user})}
    assert {json.dumps(e["actor"]) for e in ma} == {json.dumps({"type": "mcp", "id": m_user})}
    # Reminders followed the same rules (copied to the next occurrence, then closed).
    rr = api.get(f"api/{r_user}/reminders", user=r_user).json()["reminders"]
    mr = api.get(f"api/{m_user}/reminders", user=m_user).json()["reminders"]
    assert sorted(x["status"] for x in rr) == sorted(x["status"] for x in mr)


def test_readme_tool_reference_matches_the_table(mcp, user):
    """README "### Tools" lists exactly the served tools, with their annotations."""
    import pathlib
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Tools", 1)[1].split("###", 1)[0]
    rows = [[c.strip() for c in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ") and not line.startswith("| tool")]
    yn = {"yes": True, "no": False}
    documented = {r[0]: (yn[r[2]], yn[r[3]], yn[r[4]]) for r in rows}
    served = {t["name"]: (t["annotations"]["readOnlyHint"], t["annotations"]["destructiveHint"],
                          t["annotations"]["idempotentHint"])
              for t in mcp.rpc(user, "tools/list")["result"]["tools"]}
    assert documented == served
