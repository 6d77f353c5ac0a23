"""Advanced task fields through daprd: due dates, priorities, time zones,
recurrence settings, tags on tasks, and search / filter / sort / pages."""
import urllib.parse

import pytest


def create(api, user, **body):
    body.setdefault("title", "t")
    r = api.post(f"api/{user}/tasks", user=user, body=body)
    assert r.status == 200, r
    return r.json()


def listing(api, user, **params):
    qs = urllib.parse.urlencode(params)
    r = api.get(f"api/{user}/tasks?{qs}", user=user)
    assert r.status == 200, r
    return r.json()


def titles(page):
    return [t["title"] for t in page["tasks"]]


def test_defaults_keep_the_basic_contract(api, user):
    t = create(api, user, title="plain")
    assert t["priority"] == "Medium" and t["timezone"] == "UTC"
    assert t["recurrence_pattern"] == "none" and t["due_datetime"] is None
    assert t["tags"] == [] and t["parent_task_id"] is None and t["occurrence_index"] == 1


def test_fields_round_trip(api, user):
    t = create(api, user, title="sync", due_datetime="2026-12-02T10:00:00-05:00", priority="low",
               timezone="America/New_York", recurrence_pattern="weekly",
               recurrence_weekdays=["MO", "WE"], recurrence_end_date="2027-01-31",
               tags=["Work", "meetings"])
    assert t["due_datetime"] == "2026-12-02T15:00:00.000000Z"
    assert t["priority"] == "Low"
    assert t["recurrence_weekdays"] == ["MO", "WE"]
    assert [g["name"] for g in t["tags"]] == ["meetings", "Work"]  # ordered case-insensitively
    got = api.get(f"api/{user}/tasks/{t['id']}", user=user).json()
    assert got == t


def test_update_changes_only_given_fields_and_tags(api, user):
    t = create(api, user, title="x", priority="High", tags=["a", "b"])
    r = api.put(f"api/{user}/tasks/{t['id']}", user=user, body={"tags": ["B", "c"]})
    assert r.status == 200, r
    u = r.json()
    assert u["priority"] == "High" and u["title"] == "x" and u["version"] == 2
    assert sorted(g["name"].lower() for g in u["tags"]) == ["b", "c"]
    # names are one tag per user case-insensitively: "B" reused "b"
    b_before = [g["id"] for g in t["tags"] if g["name"] == "b"][0]
    assert b_before in [g["id"] for g in u["tags"]]


@pytest.mark.parametrize("body,field", [
    ({"priority": "Urgent"}, "priority"),
    ({"due_datetime": "2026-13-01T00:00:00Z"}, "due_datetime"),
    ({"due_datetime": "tomorrow"}, "due_datetime"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"recurrence_pattern": "hourly", "due_datetime": "2026-12-01T09:00:00Z"}, "recurrence_pattern"),
    ({"recurrence_pattern": "daily"}, "due_datetime"),
    ({"recurrence_pattern": "daily", "due_datetime": "2026-12-10T09:00:00Z",
      "recurrence_end_date": "2026-12-01"}, "recurrence_end_date"),
    ({"recurrence_end_date": "2026-02-30"}, "recurrence_end_date"),
    ({"recurrence_weekdays": ["XX"]}, "recurrence_weekdays"),
    ({"recurrence_pattern": "daily", "due_datetime": "2026-12-01T09:00:00Z",
      "recurrence_weekdays": ["MO"]}, "recurrence_weekdays"),
    ({"recurrence_interval": 0}, "recurrence_interval"),
    ({"recurrence_rule": "FREQ=WEEKLY;FOO=1", "due_datetime": "2026-12-01T09:00:00Z"}, "recurrence_rule"),
    ({"tags": "home"}, "tags"),
    ({"tags": [""]}, "tags"),
    ({"tags": [999999999]}, "tags"),
    ({"parent_task_id": 999999999}, "parent_task_id"),
])
def test_invalid_fields_get_400_naming_the_field(api, user, body, field):
    body = {"title": "x", **body}
    r = api.post(f"api/{user}/tasks", user=user, body=body)
    assert r.status in (400, 404), r
    assert field in r.json()["message"], r
    assert listing(api, user)["count"] == 0


def test_sort_priority_due_and_title(api, user):
    create(api, user, title="b-low", priority="Low", due_datetime="2026-12-03T00:00:00Z")
    create(api, user, title="a-high", priority="High")
    create(api, user, title="c-medium", priority="Medium", due_datetime="2026-12-01T00:00:00Z")
    assert titles(listing(api, user, sort_by="priority")) == ["a-high", "c-medium", "b-low"]
    assert titles(listing(api, user, sort_by="priority", sort_order="asc")) == ["b-low", "c-medium", "a-high"]
    assert titles(listing(api, user, sort_by="due_date")) == ["c-medium", "b-low", "a-high"]
    assert titles(listing(api, user, sort_by="due_date", sort_order="desc")) == ["b-low", "c-medium", "a-high"]
    assert titles(listing(api, user, sort_by="title")) == ["a-high", "b-low", "c-medium"]


@pytest.mark.parametrize("sort_by", ["created_at", "due_date", "priority", "title"])
def test_keyset_pages_cover_everything_once(api, user, sort_by):
    for i in range(7):
        create(api, user, title=f"task {i}", priority=["High", "Medium", "Low"][i % 3],
               **({"due_datetime": f"2026-12-0{i % 4 + 1}T00:00:00Z"} if i % 2 else {}))
    full = titles(listing(api, user, sort_by=sort_by, limit=200))
    seen, cursor = [], None
    while True:
        params = {"sort_by": sort_by, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = listing(api, user, **params)
        seen += titles(page)
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == full and len(seen) == 7


def test_filters(api, user):
    create(api, user, title="overdue one", due_datetime="2020-01-01T00:00:00Z", tags=["home"])
    create(api, user, title="future one", priority="High", due_datetime="2030-01-01T00:00:00Z",
           tags=["home", "errands"])
    create(api, user, title="no due", priority="Low", tags=["errands"])
    assert titles(listing(api, user, overdue="true")) == ["overdue one"]
    assert titles(listing(api, user, priority="High,Low", sort_by="title")) == ["future one", "no due"]
    assert titles(listing(api, user, due_from="2025-01-01", due_to="2031-01-01")) == ["future one"]
    assert titles(listing(api, user, tags="home,errands", sort_by="title")) == ["future one", "no due", "overdue one"]
    assert titles(listing(api, user, tags="HOME,errands", tags_mode="all")) == ["future one"]
    f = "priority >= Medium && tags in (home)"
    assert titles(listing(api, user, filter=f, sort_by="title")) == ["future one", "overdue one"]


def test_search_full_text_and_partial_words(api, user):
    create(api, user, title="buy milk", description="two litres")
    create(api, user, title="call mum")
    create(api, user, title="plan", description="quarterly milestones")
    assert titles(listing(api, user, search="milk")) == ["buy milk"]
    assert titles(listing(api, user, search="milestones")) == ["plan"]   # whole words: title and description
    assert titles(listing(api, user, search="mil")) == ["buy milk"]      # partial words: titles
    assert titles(listing(api, user, search="zzz")) == []
    # with a sort_by the order is that sort, not relevance
    assert titles(listing(api, user, search="milk mum", sort_by="title")) == []
    assert titles(listing(api, user, search="milk OR mum", sort_by="title")) == ["buy milk", "call mum"]


@pytest.mark.parametrize("params,field", [
    ({"sort_by": "colour"}, "sort_by"), ({"sort_order": "up"}, "sort_order"),
    ({"priority": "Urgent"}, "priority"), ({"limit": "0"}, "limit"), ({"limit": "201"}, "limit"),
    ({"cursor": "abc"}, "cursor"), ({"due_from": "yesterday"}, "due_from"),
    ({"overdue": "yes"}, "overdue"), ({"tags_mode": "some"}, "tags_mode"),
    ({"filter": "prio = High"}, "filter"), ({"filter": "priority >= "}, "filter"),
])
def test_bad_list_queries_get_400(api, user, params, field):
    r = api.get(f"api/{user}/tasks?" + urllib.parse.urlencode(params), user=user)
    assert r.status == 400, r
    assert field in r.json()["message"], r


def test_filter_error_points_at_the_column(api, user):
    r = api.get(f"api/{user}/tasks?" + urllib.parse.urlencode({"filter": "status = pending && prio = High"}), user=user)
    assert r.status == 400 and "column 21" in r.json()["message"], r


def test_cursor_of_another_sort_is_refused(api, user):
    for i in range(3):
        create(api, user, title=f"t{i}")
    cursor = listing(api, user, limit=1)["next_cursor"]
    r = api.get(f"api/{user}/tasks?sort_by=title&cursor={cursor}", user=user)
    assert r.status == 400 and "cursor" in r.json()["message"]
