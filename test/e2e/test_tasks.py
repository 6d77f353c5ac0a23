"""The task REST API through daprd: every route, the status mapping, isolation."""
import json
import time

import pytest

from conftest import mint


def create(api, user, title="write tests", **extra):
    r = api.post(f"api/{user}/tasks", user=user, body={"title": title, **extra})
    assert r.status == 200, r
    return r.json()


def error_of(r):
    """daprd replaces the body of a non-OK gRPC status with its own JSON."""
    body = r.json()
    assert set(body) >= {"code", "message"}, body
    return body


def count(api, user):
    r = api.get(f"api/{user}/tasks", user=user)
    assert r.status == 200, r
    return r.json()["count"]


# ---- routes ----

def test_create_returns_the_task(api, user):
    t = create(api, user, "  buy milk  ", description="2 litres")
    assert t["title"] == "buy milk"
    assert t["description"] == "2 litres"
    assert t["completed"] is False
    assert t["user_id"] == user
    assert isinstance(t["id"], int) and t["id"] > 0
    assert t["created_at"].endswith("Z") and "T" in t["created_at"]
    assert t["updated_at"] == t["created_at"]


def test_create_without_description_gives_null(api, user):
    assert create(api, user)["description"] is None


def test_get_list_update_complete_delete(api, user):
    a = create(api, user, "first")
    b = create(api, user, "second")

    r = api.get(f"api/{user}/tasks/{a['id']}", user=user)
    assert r.status == 200 and r.json() == a

    listed = api.get(f"api/{user}/tasks", user=user).json()
    assert listed["count"] == 2
    assert [t["id"] for t in listed["tasks"]] == [b["id"], a["id"]]  # newest first

    r = api.put(f"api/{user}/tasks/{a['id']}", user=user, body={"title": "first, renamed"})
    assert r.status == 200, r
    assert r.json()["title"] == "first, renamed"
    assert r.json()["updated_at"] >= a["updated_at"]

    r = api.put(f"api/{user}/tasks/{a['id']}", user=user, body={"description": None})
    assert r.status == 200 and r.json()["description"] is None

    r = api.patch(f"api/{user}/tasks/{a['id']}/complete", user=user)
    assert r.status == 200 and r.json()["completed"] is True
    assert [t["id"] for t in api.get(f"api/{user}/tasks?status=completed", user=user).json()["tasks"]] == [a["id"]]
    assert [t["id"] for t in api.get(f"api/{user}/tasks?status=pending", user=user).json()["tasks"]] == [b["id"]]
    assert api.get(f"api/{user}/tasks?status=all", user=user).json()["count"] == 2

    r = api.patch(f"api/{user}/tasks/{a['id']}/complete", user=user)
    assert r.status == 200 and r.json()["completed"] is False

    r = api.delete(f"api/{user}/tasks/{a['id']}", user=user)
    assert r.status == 200 and r.json() == {"id": a["id"], "deleted": True}
    assert api.get(f"api/{user}/tasks/{a['id']}", user=user).status == 404
    assert api.delete(f"api/{user}/tasks/{a['id']}", user=user).status == 404
    assert count(api, user) == 1


def test_version_needs_no_token(api):
    r = api.get("api/version")
    assert r.status == 200 and r.json()["name"] == "todod"


def test_json_content_type(api, user):
    r = api.get(f"api/{user}/tasks", user=user)
    assert r.headers.get("Content-Type", "").startswith("application/json")


# ---- authentication: 401 ----

@pytest.mark.parametrize("make", [
    lambda api, u: None,
    lambda api, u: "not-a-jwt",
    lambda api, u: mint(api.secret, u, key="another-key-of-at-least-32-bytes!!"),
    lambda api, u: mint(api.secret, u, exp_in=-5),
    lambda api, u: mint(api.secret, u, nbf_in=600),
    lambda api, u: mint(api.secret, u, alg="none"),
    lambda api, u: mint(api.secret, u, alg="HS512"),
    lambda api, u: mint(api.secret, u, exp_in=None),
    lambda api, u: mint(api.secret, None),
], ids=["missing", "garbage", "bad-signature", "expired", "not-yet-valid", "alg-none",
        "alg-hs512", "no-exp", "no-sub"])
def test_bad_tokens_get_401(api, user, make):
    token = make(api, user)
    r = api.get(f"api/{user}/tasks", token=token) if token else api.get(f"api/{user}/tasks")
    assert r.status == 401, r
    assert "token" in error_of(r)["message"].lower() or "authorization" in error_of(r)["message"].lower()


def test_wrong_scheme_gets_401(api, user):
    r = api.get(f"api/{user}/tasks", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert r.status == 401, r


# ---- isolation: 403 and 404 ----

def test_token_for_another_user_gets_403(api, user):
    r = api.get(f"api/{user}/tasks", token=api.token(user + "-other"))
    assert r.status == 403, r
    assert "user_id" in error_of(r)["message"] or user in error_of(r)["message"]


def test_users_cannot_touch_each_others_tasks(api, user):
    other = user + "-b"
    mine = create(api, user, "private")
    for r in (
        api.get(f"api/{other}/tasks/{mine['id']}", user=other),
        api.put(f"api/{other}/tasks/{mine['id']}", user=other, body={"title": "hacked"}),
        api.patch(f"api/{other}/tasks/{mine['id']}/complete", user=other),
        api.delete(f"api/{other}/tasks/{mine['id']}", user=other),
    ):
        assert r.status == 404, r
    assert api.get(f"api/{other}/tasks", user=other).json() == {"tasks": [], "count": 0, "next_cursor": None}
    assert api.get(f"api/{user}/tasks/{mine['id']}", user=user).json() == mine


# ---- bad input: 400, nothing changed ----

@pytest.mark.parametrize("raw,field", [
    (b"{not json", "body"),
    (b"[]", "body"),
    (b"", "body"),
    (b'{"title": 5}', "title"),
    (b'{"title": null}', "title"),
    (b'{"title": "   "}', "title"),
    (json.dumps({"title": "x" * 201}).encode(), "title"),
    (json.dumps({"title": "ok", "description": "d" * 1001}).encode(), "description"),
    (b'{"title": "ok", "colour": "red"}', "colour"),
    (b'{"title": "a", "title": "b"}', "title"),
    (b'{"title": "caf\xe9"}', "body"),
    (b'{"title": "nul\\u0000"}', "body"),
], ids=["malformed", "array", "empty", "number", "null", "blank", "title-201",
        "description-1001", "unknown-field", "duplicate-key", "latin1", "nul"])
def test_bad_create_bodies_get_400_and_change_nothing(api, user, raw, field):
    before = count(api, user)
    r = api.post(f"api/{user}/tasks", user=user, raw=raw)
    assert r.status == 400, r
    msg = error_of(r)["message"]
    assert field in msg or field == "body", msg
    assert count(api, user) == before


def test_title_of_200_multibyte_characters_is_accepted(api, user):
    assert create(api, user, "é" * 200)["title"] == "é" * 200


def test_oversize_body_gets_400(api, user):
    r = api.post(f"api/{user}/tasks", user=user, raw=json.dumps({"title": "x", "description": "y" * 70000}).encode())
    assert r.status == 400, r
    assert "body" in error_of(r)["message"]
    assert count(api, user) == 0


@pytest.mark.parametrize("path,field", [
    ("tasks?status=done", "status"),
    ("tasks?colour=red", "colour"),
    ("tasks/abc", "id"),
    ("tasks/0", "id"),
    ("tasks/-3", "id"),
])
def test_bad_query_or_id_gets_400(api, user, path, field):
    r = api.get(f"api/{user}/{path}", user=user)
    assert r.status == 400, r
    assert field in error_of(r)["message"]


def test_update_with_nothing_gets_400(api, user):
    t = create(api, user)
    r = api.put(f"api/{user}/tasks/{t['id']}", user=user, body={})
    assert r.status == 400, r
    assert api.get(f"api/{user}/tasks/{t['id']}", user=user).json() == t


def test_unknown_route_gets_404(api, user):
    r = api.get(f"api/{user}/nothing-here", user=user)
    assert r.status == 404, r


def test_unsupported_verb_on_known_route_gets_400(api, user):
    r = api.request("POST", f"api/{user}/tasks/1", user=user, body={"title": "x"})
    assert r.status == 400, r
    msg = error_of(r)["message"]
    assert "not allowed" in msg and "GET" in msg and "PUT" in msg and "DELETE" in msg


def test_error_body_is_dapr_status_json(api, user):
    r = api.get(f"api/{user}/tasks/abc", user=user)
    body = error_of(r)
    assert body["code"] == 3  # gRPC INVALID_ARGUMENT
    assert body["message"].startswith("task id")


# ---- optimistic concurrency: 409 ----

def test_version_increases_and_if_version_conflicts_get_409(api, user):
    t = create(api, user)
    assert t["version"] == 1
    r = api.put(f"api/{user}/tasks/{t['id']}?if_version=1", user=user, body={"title": "v2"})
    assert r.status == 200 and r.json()["version"] == 2, r
    stale = api.put(f"api/{user}/tasks/{t['id']}?if_version=1", user=user, body={"title": "lost update"})
    assert stale.status == 409, stale
    assert "version 2" in error_of(stale)["message"]
    assert api.patch(f"api/{user}/tasks/{t['id']}/complete?if_version=1", user=user).status == 409
    assert api.delete(f"api/{user}/tasks/{t['id']}?if_version=1", user=user).status == 409
    current = api.get(f"api/{user}/tasks/{t['id']}", user=user).json()
    assert current["title"] == "v2" and current["version"] == 2 and current["completed"] is False
    assert api.delete(f"api/{user}/tasks/{t['id']}?if_version=2", user=user).status == 200
