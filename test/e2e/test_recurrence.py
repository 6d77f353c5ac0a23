"""Recurring tasks through daprd: completing or skipping an occurrence
creates the next one in the same transaction, late completions do not pile
up overdue occurrences, a series never has two open occurrences, and
stop-recurrence ends it. (The date rules themselves are unit-tested in
test/unit/service/test_recurrence.c.)"""
import datetime

import pytest


def create(api, user, **body):
    body.setdefault("title", "r")
    r = api.post(f"api/{user}/tasks", user=user, body=body)
    assert r.status == 200, r
    return r.json()


def series(api, user, tid):
    r = api.get(f"api/{user}/tasks/{tid}/occurrences", user=user)
    assert r.status == 200, r
    return r.json()["tasks"]


def future(days):
    d = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=days)
    return d.strftime("%Y-%m-%dT09:00:00Z")


def test_completing_creates_the_next_occurrence_with_fields_and_tags(api, user):
    due = future(3)
    t = create(api, user, title="water plants", due_datetime=due, recurrence_pattern="daily",
               priority="High", tags=["home"])
    r = api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user)
    assert r.status == 200 and r.json()["completed"] is True
    occ = series(api, user, t["id"])
    assert [o["occurrence_index"] for o in occ] == [1, 2]
    nxt = occ[1]
    assert nxt["completed"] is False and nxt["parent_task_id"] == t["id"]
    assert nxt["title"] == "water plants" and nxt["priority"] == "High"
    assert [g["name"] for g in nxt["tags"]] == ["home"]
    expected = (datetime.datetime.fromisoformat(due.replace("Z", "+00:00")) + datetime.timedelta(days=1))
    assert nxt["due_datetime"] == expected.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    # the series is visible from any occurrence
    assert [o["id"] for o in series(api, user, nxt["id"])] == [o["id"] for o in occ]


def test_late_completion_skips_missed_occurrences(api, user):
    t = create(api, user, due_datetime="2020-03-02T09:00:00Z", recurrence_pattern="weekly")
    assert api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user).status == 200
    occ = series(api, user, t["id"])
    assert len(occ) == 2  # one next occurrence, not hundreds of overdue ones
    nxt = datetime.datetime.fromisoformat(occ[1]["due_datetime"].replace("Z", "+00:00"))
    now = datetime.datetime.now(datetime.timezone.utc)
    assert now < nxt <= now + datetime.timedelta(days=7)
    assert nxt.weekday() == 0 and nxt.hour == 9  # still Mondays at 09:00


def test_monthly_series_clamps_month_ends_in_local_time(api, user):
    t = create(api, user, due_datetime="2027-01-31T09:00:00-05:00", recurrence_pattern="monthly",
               timezone="America/New_York")
    dues = []
    cur = t
    for _ in range(3):
        assert api.patch(f"api/{user}/tasks/{cur['id']}/complete", user=user).status == 200
        cur = series(api, user, t["id"])[-1]
        dues.append(cur["due_datetime"])
    # Feb 28, Mar 31 (after the DST change: 09:00 EDT = 13:00Z), Apr 30
    assert dues == ["2027-02-28T14:00:00.000000Z", "2027-03-31T13:00:00.000000Z",
                    "2027-04-30T13:00:00.000000Z"]


def test_end_date_ends_the_series(api, user):
    t = create(api, user, due_datetime="2030-06-01T09:00:00Z", recurrence_pattern="daily",
               recurrence_end_date="2030-06-02")
    a = api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user)
    assert a.status == 200
    second = series(api, user, t["id"])[-1]
    assert second["due_datetime"] == "2030-06-02T09:00:00.000000Z"
    assert api.patch(f"api/{user}/tasks/{second['id']}/complete", user=user).status == 200
    assert len(series(api, user, t["id"])) == 2  # June 3 is past the end date


def test_rrule_count_ends_the_series(api, user):
    t = create(api, user, due_datetime="2030-06-03T09:00:00Z", recurrence_pattern="custom",
               recurrence_rule="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3")
    cur = t
    for _ in range(3):
        assert api.patch(f"api/{user}/tasks/{cur['id']}/complete", user=user).status == 200
        cur = series(api, user, t["id"])[-1]
    occ = series(api, user, t["id"])
    assert [o["due_datetime"][:10] for o in occ] == ["2030-06-03", "2030-06-05", "2030-06-10"]
    assert all(o["completed"] for o in occ)


def test_skip_records_and_moves_on(api, user):
    t = create(api, user, due_datetime=future(2), recurrence_pattern="daily")
    r = api.post(f"api/{user}/tasks/{t['id']}/skip-occurrence", user=user)
    assert r.status == 200 and r.json()["skipped"] is True and r.json()["completed"] is True
    occ = series(api, user, t["id"])
    assert [(o["skipped"], o["completed"]) for o in occ] == [(True, True), (False, False)]
    again = api.post(f"api/{user}/tasks/{t['id']}/skip-occurrence", user=user)
    assert again.status == 409, again
    plain = create(api, user, title="once")
    r = api.post(f"api/{user}/tasks/{plain['id']}/skip-occurrence", user=user)
    assert r.status == 400 and "not recurring" in r.json()["message"]


def test_never_two_open_occurrences(api, user):
    t = create(api, user, due_datetime=future(1), recurrence_pattern="daily")
    assert api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user).status == 200
    r = api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user)  # reopen the first
    assert r.status == 409 and "open occurrence" in r.json()["message"], r
    occ = series(api, user, t["id"])
    assert [o["completed"] for o in occ] == [True, False]


def test_stop_recurrence_ends_the_series(api, user):
    t = create(api, user, due_datetime=future(1), recurrence_pattern="daily")
    r = api.post(f"api/{user}/tasks/{t['id']}/stop-recurrence", user=user)
    assert r.status == 200 and r.json()["recurrence_pattern"] == "none"
    assert api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user).status == 200
    assert len(series(api, user, t["id"])) == 1


def test_occurrences_of_another_users_task_is_404(api, user):
    t = create(api, user, due_datetime=future(1), recurrence_pattern="daily")
    other = user + "-b"
    assert api.get(f"api/{other}/tasks/{t['id']}/occurrences", user=other).status == 404
    assert api.post(f"api/{other}/tasks/{t['id']}/skip-occurrence", user=other).status == 404
