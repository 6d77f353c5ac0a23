"""The event backbone seen from a client: every change becomes one activity
entry (built from task-events by the app's own consumer, through daprd and
the pub/sub component), newest first in the order the changes happened
(not the order events arrived: Kafka orders per task only), paged, per user."""
import pytest

from conftest import poll


def create(api, user, title="t"):
    r = api.post(f"api/{user}/tasks", user=user, body={"title": title})
    assert r.status == 200, r
    return r.json()


def activity(api, user, query=""):
    r = api.get(f"api/{user}/activity-logs{query}", user=user)
    assert r.status == 200, r
    return r.json()


def wait_for_entries(api, user, n, query=""):
    return poll(lambda: (lambda b: b if len(b["entries"]) >= n else None)(activity(api, user, query)),
                deadline_s=30, what=f"{n} activity entries for {user}")


def test_every_change_is_one_entry_in_order(api, user):
    t = create(api, user, "first")
    tid = t["id"]
    assert api.put(f"api/{user}/tasks/{tid}", user=user, body={"title": "renamed"}).status == 200
    assert api.patch(f"api/{user}/tasks/{tid}/complete", user=user).status == 200
    assert api.patch(f"api/{user}/tasks/{tid}/complete", user=user).status == 200
    assert api.delete(f"api/{user}/tasks/{tid}", user=user).status == 200

    body = wait_for_entries(api, user, 5)
    entries = body["entries"]
    assert len(entries) == 5
    assert [e["action"] for e in entries] == ["deleted", "reopened", "completed", "updated", "created"]
    assert [e["task_version"] for e in entries] == [5, 4, 3, 2, 1]
    assert all(e["task_id"] == tid for e in entries)
    assert all(e["actor"] == {"type": "user", "id": user} for e in entries)
    assert entries[3]["changes"] == {"title": {"old": "first", "new": "renamed"}}
    assert entries[2]["changes"] == {"completed": {"old": False, "new": True}}
    assert len({e["event_id"] for e in entries}) == 5
    assert body["next_cursor"] is None


def test_failed_writes_make_no_entries(api, user):
    t = create(api, user)
    assert api.put(f"api/{user}/tasks/{t['id']}", user=user, body={"title": ""}).status == 400
    assert api.put(f"api/{user}/tasks/{t['id']}?if_version=7", user=user, body={"title": "x"}).status == 409
    marker = create(api, user, "marker")
    body = wait_for_entries(api, user, 2)
    # Exactly the two creations, in the order they were made, whichever
    # partition's event arrived first.
    assert [(e["task_id"], e["action"]) for e in body["entries"]] == [(marker["id"], "created"), (t["id"], "created")]
    assert body["entries"][0]["occurred_at"] > body["entries"][1]["occurred_at"]


def test_paging_and_task_filter(api, user):
    a = create(api, user, "a")
    b = create(api, user, "b")
    for i in range(3):
        assert api.put(f"api/{user}/tasks/{a['id']}", user=user, body={"title": f"a{i}"}).status == 200
    wait_for_entries(api, user, 5)

    page1 = activity(api, user, "?limit=2")
    assert len(page1["entries"]) == 2 and page1["next_cursor"]
    page2 = activity(api, user, f"?limit=2&cursor={page1['next_cursor']}")
    page3 = activity(api, user, f"?limit=2&cursor={page2['next_cursor']}")
    entries = [e for p in (page1, page2, page3) for e in p["entries"]]
    # The pages walk the changes newest first, in the order they were made:
    # a and b are on different partitions, so their events may have arrived
    # in either order; the log does not show that.
    assert [(e["task_id"], e["task_version"]) for e in entries] == [
        (a["id"], 4), (a["id"], 3), (a["id"], 2), (b["id"], 1), (a["id"], 1)]
    assert [e["occurred_at"] for e in entries] == sorted((e["occurred_at"] for e in entries), reverse=True)
    assert page3["next_cursor"] is None

    only_b = activity(api, user, f"?task_id={b['id']}")
    assert [e["action"] for e in only_b["entries"]] == ["created"]


@pytest.mark.parametrize("query,field", [
    ("?limit=0", "limit"), ("?limit=201", "limit"), ("?limit=x", "limit"),
    ("?cursor=zzz", "cursor"), ("?task_id=-1", "task_id"), ("?order=asc", "order"),
])
def test_bad_activity_queries_get_400(api, user, query, field):
    r = api.get(f"api/{user}/activity-logs{query}", user=user)
    assert r.status == 400, r
    assert field in r.json()["message"]


def test_activity_is_private(api, user):
    create(api, user, "mine")
    wait_for_entries(api, user, 1)
    other = user + "-b"
    assert activity(api, other)["entries"] == []
    assert api.get(f"api/{user}/activity-logs", user=other).status == 403
    assert api.get(f"api/{user}/activity-logs").status == 401


def test_outbox_backlog_is_exposed_and_drains(api, user):
    create(api, user)
    r = poll(lambda: (lambda b: b if b["backlog"] == 0 else None)(api.get("api/ops/outbox").json()),
             deadline_s=30, what="the outbox to drain")
    assert r["published"] > 0 and r["oldest_age_ms"] == 0
