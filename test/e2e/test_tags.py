"""The tags REST API through daprd: every tags route, bad input, isolation.

Routes: GET/POST api/{user}/tags, PUT/DELETE api/{user}/tags/{tag_id},
POST/DELETE api/{user}/tasks/{task_id}/tags/{tag_id}.
"""
import json

import pytest

from conftest import poll


def create_task(api, user, title="tagged task"):
    r = api.post(f"api/{user}/tasks", user=user, body={"title": title})
    assert r.status == 200, r
    return r.json()


def create_tag(api, user, name, **extra):
    r = api.post(f"api/{user}/tags", user=user, body={"name": name, **extra})
    assert r.status == 200, r
    return r.json()


def list_tags(api, user):
    r = api.get(f"api/{user}/tags", user=user)
    assert r.status == 200, r
    body = r.json()
    assert body["count"] == len(body["tags"]), body
    return body["tags"]


def error_of(r):
    """daprd replaces the body of a non-OK gRPC status with its own JSON."""
    body = r.json()
    assert set(body) >= {"code", "message"}, body
    return body


def task_tag_ids(api, user, task_id):
    """The ids of the task's tags, when the task representation carries them
    (None otherwise: then links are observed through detach alone)."""
    t = api.get(f"api/{user}/tasks/{task_id}", user=user).json()
    if "tags" not in t:
        return None
    return sorted(g["id"] for g in t["tags"])


# ---- the tags resource ----

def test_create_returns_the_tag(api, user):
    t = create_tag(api, user, "  Home  ", color="#A1b2C3")
    assert set(t) == {"id", "name", "color", "created_at"}
    assert isinstance(t["id"], int) and t["id"] > 0
    assert t["name"] == "Home"           # trimmed
    assert t["color"] == "#A1b2C3"
    assert t["created_at"].endswith("Z") and "T" in t["created_at"]


def test_create_without_color_gives_null(api, user):
    assert create_tag(api, user, "work")["color"] is None
    assert create_tag(api, user, "errands", color=None)["color"] is None


def test_list_update_delete(api, user):
    assert api.get(f"api/{user}/tags", user=user).json() == {"tags": [], "count": 0}
    b = create_tag(api, user, "beta")
    a = create_tag(api, user, "Alpha", color="#000000")
    assert [t["id"] for t in list_tags(api, user)] == [a["id"], b["id"]]  # by name, ignoring case
    assert list_tags(api, user)[0] == a

    r = api.put(f"api/{user}/tags/{b['id']}", user=user, body={"name": " gamma "})
    assert r.status == 200, r
    assert r.json() == {**b, "name": "gamma"}

    r = api.put(f"api/{user}/tags/{b['id']}", user=user, body={"color": "#ff8800"})
    assert r.status == 200 and r.json()["color"] == "#ff8800" and r.json()["name"] == "gamma", r

    r = api.put(f"api/{user}/tags/{b['id']}", user=user, body={"color": None})
    assert r.status == 200 and r.json()["color"] is None, r

    r = api.put(f"api/{user}/tags/{a['id']}", user=user, body={"name": "ALPHA", "color": "#FFFFFF"})
    assert r.status == 200 and r.json()["name"] == "ALPHA" and r.json()["color"] == "#FFFFFF", r

    r = api.delete(f"api/{user}/tags/{a['id']}", user=user)
    assert r.status == 200 and r.json() == {"id": a["id"], "deleted": True}, r
    assert [t["id"] for t in list_tags(api, user)] == [b["id"]]
    r = api.delete(f"api/{user}/tags/{a['id']}", user=user)
    assert r.status == 404, r
    assert "tag" in error_of(r)["message"]
    r = api.put(f"api/{user}/tags/{a['id']}", user=user, body={"name": "back"})
    assert r.status == 404, r


def test_name_of_50_multibyte_characters_is_accepted(api, user):
    assert create_tag(api, user, "é" * 50)["name"] == "é" * 50


def test_duplicate_name_ignoring_case_gets_409(api, user):
    home = create_tag(api, user, "Home")
    r = api.post(f"api/{user}/tags", user=user, body={"name": "hOME"})
    assert r.status == 409, r
    assert "name" in error_of(r)["message"] and "hOME" in error_of(r)["message"]
    r = api.post(f"api/{user}/tags", user=user, body={"name": "  home "})
    assert r.status == 409, r

    other = create_tag(api, user, "Work")
    r = api.put(f"api/{user}/tags/{other['id']}", user=user, body={"name": "HOME"})
    assert r.status == 409, r
    assert "name" in error_of(r)["message"]
    assert sorted(t["name"] for t in list_tags(api, user)) == ["Home", "Work"]

    # Renaming a tag to its own name in another case is not a conflict.
    r = api.put(f"api/{user}/tags/{home['id']}", user=user, body={"name": "HOME"})
    assert r.status == 200 and r.json()["name"] == "HOME", r


def test_same_name_for_two_users_is_fine(api, user):
    a = create_tag(api, user, "shared")
    b = create_tag(api, user + "-b", "Shared")
    assert a["id"] != b["id"]


@pytest.mark.parametrize("raw,field", [
    (b"", "body"),
    (b"{not json", "body"),
    (b"[]", "body"),
    (b"{}", "name"),
    (b'{"name": ""}', "name"),
    (b'{"name": "   "}', "name"),
    (json.dumps({"name": "x" * 51}).encode(), "name"),
    (b'{"name": null}', "name"),
    (b'{"name": 5}', "name"),
    (b'{"name": "a\\tb"}', "name"),
    (b'{"name": "ok", "color": "red"}', "color"),
    (b'{"name": "ok", "color": "#abc"}', "color"),
    (b'{"name": "ok", "color": "#GGGGGG"}', "color"),
    (b'{"name": "ok", "color": "#1234567"}', "color"),
    (b'{"name": "ok", "color": 123456}', "color"),
    (b'{"name": "ok", "colour": "#123456"}', "colour"),
    (b'{"name": "a", "name": "b"}', "name"),
], ids=["empty", "malformed", "array", "no-name", "empty-name", "blank-name", "name-51",
        "null-name", "number-name", "control-char", "color-word", "color-short", "color-not-hex",
        "color-long", "color-number", "unknown-field", "duplicate-key"])
def test_bad_create_bodies_get_400_and_change_nothing(api, user, raw, field):
    r = api.post(f"api/{user}/tags", user=user, raw=raw)
    assert r.status == 400, r
    msg = error_of(r)["message"]
    assert field in msg or field == "body", msg
    assert list_tags(api, user) == []


def test_bad_color_message_quotes_the_value(api, user):
    r = api.post(f"api/{user}/tags", user=user, body={"name": "x", "color": "blue"})
    assert r.status == 400, r
    assert error_of(r)["message"] == 'color "blue" is not a hex color of the form "#RRGGBB"'


def test_too_long_name_message(api, user):
    r = api.post(f"api/{user}/tags", user=user, body={"name": "n" * 51})
    assert r.status == 400, r
    assert "51 characters, at most 50 allowed" in error_of(r)["message"]


@pytest.mark.parametrize("body,field", [
    ({}, "nothing to update"),
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"color": "green"}, "color"),
    ({"name": "x", "extra": 1}, "extra"),
])
def test_bad_update_bodies_get_400_and_change_nothing(api, user, body, field):
    t = create_tag(api, user, "keep", color="#123456")
    r = api.put(f"api/{user}/tags/{t['id']}", user=user, body=body)
    assert r.status == 400, r
    assert field in error_of(r)["message"]
    assert list_tags(api, user) == [t]


@pytest.mark.parametrize("verb,path,field", [
    ("PUT", "tags/abc", "tag_id"),
    ("DELETE", "tags/0", "tag_id"),
    ("DELETE", "tags/-1", "tag_id"),
    ("POST", "tasks/abc/tags/1", "task_id"),
    ("POST", "tasks/1/tags/x1", "tag_id"),
    ("DELETE", "tasks/0/tags/1", "task_id"),
])
def test_bad_ids_get_400(api, user, verb, path, field):
    body = {"name": "x"} if verb == "PUT" else None
    r = api.request(verb, f"api/{user}/{path}", user=user, body=body)
    assert r.status == 400, r
    assert field in error_of(r)["message"]


def test_unknown_query_parameters_are_refused(api, user):
    t = create_tag(api, user, "q")
    task = create_task(api, user)
    for r in (
        api.get(f"api/{user}/tags?sort=name", user=user),
        api.post(f"api/{user}/tags?sort=name", user=user, body={"name": "new"}),
        api.put(f"api/{user}/tags/{t['id']}?sort=name", user=user, body={"name": "renamed"}),
        api.delete(f"api/{user}/tags/{t['id']}?sort=name", user=user),
        api.post(f"api/{user}/tasks/{task['id']}/tags/{t['id']}?sort=name", user=user),
        api.delete(f"api/{user}/tasks/{task['id']}/tags/{t['id']}?sort=name", user=user),
    ):
        assert r.status == 400, r
        assert "sort" in error_of(r)["message"]
    assert list_tags(api, user) == [t]


def test_bodies_on_bodiless_routes_are_refused(api, user):
    t = create_tag(api, user, "b")
    task = create_task(api, user)
    for r in (
        api.delete(f"api/{user}/tags/{t['id']}", user=user, body={"x": 1}),
        api.post(f"api/{user}/tasks/{task['id']}/tags/{t['id']}", user=user, body={"x": 1}),
        api.delete(f"api/{user}/tasks/{task['id']}/tags/{t['id']}", user=user, body={"x": 1}),
    ):
        assert r.status == 400, r
        assert "body" in error_of(r)["message"]
    assert list_tags(api, user) == [t]


def test_unsupported_verb_on_a_tag_route_gets_400(api, user):
    r = api.get(f"api/{user}/tasks/1/tags/2", user=user)
    assert r.status == 400, r
    msg = error_of(r)["message"]
    assert "not allowed" in msg and "POST" in msg and "DELETE" in msg


# ---- tags on tasks ----

def test_attach_and_detach(api, user):
    task = create_task(api, user)
    tag = create_tag(api, user, "urgent")
    path = f"api/{user}/tasks/{task['id']}/tags/{tag['id']}"

    r = api.post(path, user=user)
    assert r.status == 200, r
    assert r.json() == {"task_id": task["id"], "tag_id": tag["id"], "attached": True}
    r = api.post(path, user=user)                       # idempotent
    assert r.status == 200 and r.json()["attached"] is True, r
    assert task_tag_ids(api, user, task["id"]) in (None, [tag["id"]])

    r = api.delete(path, user=user)
    assert r.status == 200, r
    assert r.json() == {"task_id": task["id"], "tag_id": tag["id"], "attached": False}
    assert task_tag_ids(api, user, task["id"]) in (None, [])
    r = api.delete(path, user=user)
    assert r.status == 404, r
    assert "not attached" in error_of(r)["message"]


def test_attach_missing_task_or_tag_gets_404(api, user):
    task = create_task(api, user)
    tag = create_tag(api, user, "t")
    r = api.post(f"api/{user}/tasks/999999999999/tags/{tag['id']}", user=user)
    assert r.status == 404 and "task" in error_of(r)["message"], r
    r = api.post(f"api/{user}/tasks/{task['id']}/tags/999999999999", user=user)
    assert r.status == 404 and "tag" in error_of(r)["message"], r


def test_deleting_a_tag_detaches_it(api, user):
    task = create_task(api, user)
    keep = create_tag(api, user, "keep")
    gone = create_tag(api, user, "gone")
    for t in (keep, gone):
        assert api.post(f"api/{user}/tasks/{task['id']}/tags/{t['id']}", user=user).status == 200
    assert task_tag_ids(api, user, task["id"]) in (None, sorted([keep["id"], gone["id"]]))

    assert api.delete(f"api/{user}/tags/{gone['id']}", user=user).status == 200
    assert task_tag_ids(api, user, task["id"]) in (None, [keep["id"]])
    r = api.delete(f"api/{user}/tasks/{task['id']}/tags/{gone['id']}", user=user)
    assert r.status == 404, r
    # The other link is still there.
    assert api.delete(f"api/{user}/tasks/{task['id']}/tags/{keep['id']}", user=user).status == 200
    # The name is free again, and the new tag is not attached.
    again = create_tag(api, user, "gone")
    assert again["id"] != gone["id"]
    r = api.delete(f"api/{user}/tasks/{task['id']}/tags/{again['id']}", user=user)
    assert r.status == 404 and "not attached" in error_of(r)["message"], r


def test_deleting_a_task_keeps_its_tags(api, user):
    task = create_task(api, user)
    tag = create_tag(api, user, "survivor")
    assert api.post(f"api/{user}/tasks/{task['id']}/tags/{tag['id']}", user=user).status == 200
    assert api.delete(f"api/{user}/tasks/{task['id']}", user=user).status == 200
    assert list_tags(api, user) == [tag]


# ---- isolation ----

def test_another_users_tag_is_404(api, user):
    other = user + "-b"
    theirs = create_tag(api, other, "private", color="#010203")
    mine = create_task(api, user)
    for r in (
        api.put(f"api/{user}/tags/{theirs['id']}", user=user, body={"name": "hacked"}),
        api.delete(f"api/{user}/tags/{theirs['id']}", user=user),
        api.post(f"api/{user}/tasks/{mine['id']}/tags/{theirs['id']}", user=user),
        api.delete(f"api/{user}/tasks/{mine['id']}/tags/{theirs['id']}", user=user),
    ):
        assert r.status == 404, r
    assert list_tags(api, user) == []
    assert list_tags(api, other) == [theirs]
    assert task_tag_ids(api, user, mine["id"]) in (None, [])


def test_attach_to_another_users_task_is_404(api, user):
    other = user + "-b"
    their_task = create_task(api, other, "theirs")
    their_tag = create_tag(api, other, "theirs")
    my_tag = create_tag(api, user, "mine")
    r = api.post(f"api/{user}/tasks/{their_task['id']}/tags/{my_tag['id']}", user=user)
    assert r.status == 404, r
    assert "task" in error_of(r)["message"]
    # Their own link is invisible to me, and stays.
    assert api.post(f"api/{other}/tasks/{their_task['id']}/tags/{their_tag['id']}", user=other).status == 200
    r = api.delete(f"api/{user}/tasks/{their_task['id']}/tags/{their_tag['id']}", user=user)
    assert r.status == 404, r
    assert task_tag_ids(api, other, their_task["id"]) in (None, [their_tag["id"]])
    assert api.delete(f"api/{other}/tasks/{their_task['id']}/tags/{their_tag['id']}", user=other).status == 200


def test_token_for_another_user_gets_403(api, user):
    r = api.get(f"api/{user}/tags", token=api.token(user + "-other"))
    assert r.status == 403, r
    r = api.post(f"api/{user}/tags", token=api.token(user + "-other"), body={"name": "x"})
    assert r.status == 403, r


def test_missing_token_gets_401(api, user):
    assert api.get(f"api/{user}/tags").status == 401
    assert api.post(f"api/{user}/tasks/1/tags/1").status == 401


# ---- tag writes are task changes ----
# Attaching, detaching, renaming (or recolouring) and deleting a tag change
# what its tasks show: each such task goes one version on and its
# task-updated event carries the tag change, which the task-events consumer
# turns into one activity entry per task.

def task_of(api, user, task_id):
    r = api.get(f"api/{user}/tasks/{task_id}", user=user)
    assert r.status == 200, r
    return r.json()


def entries_of(api, user, task_id, n):
    """The task's activity entries (newest first), once there are n of them."""
    def fetch():
        r = api.get(f"api/{user}/activity-logs?task_id={task_id}", user=user)
        assert r.status == 200, r
        entries = r.json()["entries"]
        return entries if len(entries) >= n else None
    return poll(fetch, deadline_s=30, what=f"{n} activity entries of task {task_id}")


def shown(tag):
    return {"id": tag["id"], "name": tag["name"], "color": tag["color"]}


def test_attach_and_detach_bump_the_version_and_log_the_change(api, user):
    task = create_task(api, user)
    tag = create_tag(api, user, "errand", color="#00ff00")
    path = f"api/{user}/tasks/{task['id']}/tags/{tag['id']}"
    assert task["version"] == 1

    assert api.post(path, user=user).status == 200
    after = task_of(api, user, task["id"])
    assert after["version"] == 2 and after["tags"] == [shown(tag)], after
    assert api.post(path, user=user).status == 200          # already attached: no change
    assert task_of(api, user, task["id"])["version"] == 2
    # A client holding version 1 has missed a change.
    r = api.put(f"api/{user}/tasks/{task['id']}?if_version=1", user=user, body={"title": "x"})
    assert r.status == 409, r

    assert api.delete(path, user=user).status == 200
    after = task_of(api, user, task["id"])
    assert after["version"] == 3 and after["tags"] == [], after

    # A later change marks the end: every entry before it has arrived.
    assert api.put(f"api/{user}/tasks/{task['id']}", user=user, body={"title": "end"}).status == 200
    entries = entries_of(api, user, task["id"], 4)
    assert [(e["action"], e["task_version"]) for e in entries] == \
        [("updated", 4), ("updated", 3), ("updated", 2), ("created", 1)], entries
    assert entries[2]["changes"] == {"tags": {"old": [], "new": [shown(tag)]}}
    assert entries[1]["changes"] == {"tags": {"old": [shown(tag)], "new": []}}
    assert all(e["actor"] == {"type": "user", "id": user} for e in entries)


def test_renaming_a_tag_updates_every_task_carrying_it(api, user):
    a, b, other = (create_task(api, user, t) for t in ("a", "b", "untagged"))
    tag = create_tag(api, user, "home")
    for t in (a, b):
        assert api.post(f"api/{user}/tasks/{t['id']}/tags/{tag['id']}", user=user).status == 200

    r = api.put(f"api/{user}/tags/{tag['id']}", user=user, body={"name": "house", "color": "#123456"})
    assert r.status == 200, r
    renamed = r.json()
    for t in (a, b):
        now = task_of(api, user, t["id"])
        assert now["version"] == 3 and now["tags"] == [shown(renamed)], now
        entries = entries_of(api, user, t["id"], 3)
        assert [(e["action"], e["task_version"]) for e in entries][0] == ("updated", 3), entries
        assert entries[0]["changes"] == {"tags": {"old": [shown(tag)], "new": [shown(renamed)]}}
    assert task_of(api, user, other["id"])["version"] == 1


def test_deleting_a_tag_updates_every_task_carrying_it(api, user):
    a, b = create_task(api, user, "a"), create_task(api, user, "b")
    keep, gone = create_tag(api, user, "keep"), create_tag(api, user, "gone")
    for t, g in ((a, keep), (a, gone), (b, gone)):
        assert api.post(f"api/{user}/tasks/{t['id']}/tags/{g['id']}", user=user).status == 200

    assert api.delete(f"api/{user}/tags/{gone['id']}", user=user).status == 200
    now_a, now_b = task_of(api, user, a["id"]), task_of(api, user, b["id"])
    assert now_a["version"] == 4 and now_a["tags"] == [shown(keep)], now_a
    assert now_b["version"] == 3 and now_b["tags"] == [], now_b
    ea = entries_of(api, user, a["id"], 4)
    assert (ea[0]["action"], ea[0]["task_version"]) == ("updated", 4), ea
    assert ea[0]["changes"]["tags"]["new"] == [shown(keep)]
    assert {g["id"] for g in ea[0]["changes"]["tags"]["old"]} == {keep["id"], gone["id"]}
    eb = entries_of(api, user, b["id"], 3)
    assert eb[0]["changes"] == {"tags": {"old": [shown(gone)], "new": []}}


def test_a_tag_on_no_task_changes_no_task(api, user):
    task = create_task(api, user)
    tag = create_tag(api, user, "lonely")
    assert api.put(f"api/{user}/tags/{tag['id']}", user=user, body={"name": "alone"}).status == 200
    assert api.delete(f"api/{user}/tags/{tag['id']}", user=user).status == 200
    assert task_of(api, user, task["id"])["version"] == 1
    # A failed attach changes nothing either.
    r = api.post(f"api/{user}/tasks/{task['id']}/tags/999999999999", user=user)
    assert r.status == 404, r
    assert api.put(f"api/{user}/tasks/{task['id']}", user=user, body={"title": "end"}).status == 200
    entries = entries_of(api, user, task["id"], 2)
    assert [(e["action"], e["task_version"]) for e in entries] == [("updated", 2), ("created", 1)]
