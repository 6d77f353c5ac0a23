"""Reminders through daprd and the real Dapr Scheduler: a reminder fires once,
on time; cancelled, deleted or completed ones never fire; relative ones
follow the due time; a recurring task's next occurrence gets its reminder.
Deliveries are counted by the app's own diagnostics subscription to the
`reminders` topic (one probe per reminder id)."""
import datetime
import time

import pytest

from conftest import poll


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def parse(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def create(api, user, **body):
    body.setdefault("title", "remind me")
    r = api.post(f"api/{user}/tasks", user=user, body=body)
    assert r.status == 200, r
    return r.json()


def add(api, user, tid, **body):
    r = api.post(f"api/{user}/tasks/{tid}/reminder", user=user, body=body)
    assert r.status == 200, r
    return r.json()


def reminder(api, user, rid):
    r = api.get(f"api/{user}/reminders", user=user)
    assert r.status == 200, r
    return next(m for m in r.json()["reminders"] if m["id"] == rid)


def deliveries(api, user, rid):
    r = api.get(f"api/{user}/selftest/{rid:032x}", user=user)
    assert r.status == 200, r
    return r.json().get("deliveries", 0)


def test_fires_once_on_time(api, user):
    t = create(api, user)
    at = now_utc() + datetime.timedelta(seconds=2)
    m = add(api, user, t["id"], remind_at=iso(at))
    assert m["status"] == "pending" and m["type"] == "absolute"
    sent = poll(lambda: (lambda x: x if x["status"] == "sent" else None)(reminder(api, user, m["id"])),
                deadline_s=15, what="the reminder to fire")
    lateness = (parse(sent["sent_at"]) - parse(sent["remind_at"])).total_seconds()
    assert -0.05 <= lateness < 1.0, f"fired {lateness:.3f}s after its time"
    assert sent["late"] is False
    poll(lambda: deliveries(api, user, m["id"]) >= 1, deadline_s=15, what="reminder-triggered delivery")
    time.sleep(1.5)  # an absence cannot be polled for: give a duplicate the time to show
    assert deliveries(api, user, m["id"]) == 1


@pytest.mark.parametrize("how", ["cancel-reminder", "cancel-all", "delete-task", "complete-task"])
def test_cancelled_reminders_never_fire(api, user, how):
    t = create(api, user)
    m = add(api, user, t["id"], remind_at=iso(now_utc() + datetime.timedelta(seconds=2)))
    if how == "cancel-reminder":
        r = api.delete(f"api/{user}/reminders/{m['id']}", user=user)
        assert r.status == 200 and r.json()["status"] == "cancelled"
    elif how == "cancel-all":
        r = api.delete(f"api/{user}/tasks/{t['id']}/reminder", user=user)
        assert r.status == 200 and r.json() == {"task_id": t["id"], "cancelled": 1}
    elif how == "delete-task":
        assert api.delete(f"api/{user}/tasks/{t['id']}", user=user).status == 200
    else:
        assert api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user).status == 200
    time.sleep(4)  # past the reminder's time: it must not fire
    assert deliveries(api, user, m["id"]) == 0
    if how != "delete-task":
        assert reminder(api, user, m["id"])["status"] == "cancelled"


def test_relative_reminder_follows_the_due_time(api, user):
    due = now_utc() + datetime.timedelta(seconds=62)
    t = create(api, user, due_datetime=iso(due))
    m = add(api, user, t["id"], before="1m")  # due - 60 s = now + 2 s
    assert m["type"] == "relative" and m["before_seconds"] == 60
    new_due = due + datetime.timedelta(seconds=4)
    r = api.put(f"api/{user}/tasks/{t['id']}", user=user, body={"due_datetime": iso(new_due)})
    assert r.status == 200, r
    moved = reminder(api, user, m["id"])
    assert parse(moved["remind_at"]) == new_due.replace(microsecond=new_due.microsecond) - datetime.timedelta(seconds=60)
    assert moved["version"] == 2
    time.sleep(3)  # the old time has passed: nothing may have fired
    assert reminder(api, user, m["id"])["status"] == "pending"
    sent = poll(lambda: (lambda x: x if x["status"] == "sent" else None)(reminder(api, user, m["id"])),
                deadline_s=15, what="the moved reminder to fire")
    lateness = (parse(sent["sent_at"]) - parse(sent["remind_at"])).total_seconds()
    assert 0 <= lateness < 1.0
    # "sent" commits before reminder-triggered travels through the broker and back.
    poll(lambda: deliveries(api, user, m["id"]) >= 1, deadline_s=15, what="reminder-triggered delivery")
    time.sleep(1.5)  # an absence cannot be polled for: give a duplicate the time to show
    assert deliveries(api, user, m["id"]) == 1


def test_next_occurrence_gets_the_relative_reminder(api, user):
    due = now_utc().replace(microsecond=0) + datetime.timedelta(hours=2)
    t = create(api, user, due_datetime=iso(due), recurrence_pattern="daily")
    add(api, user, t["id"], before="30m")
    assert api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user).status == 200
    occ = api.get(f"api/{user}/tasks/{t['id']}/occurrences", user=user).json()["tasks"]
    nxt = occ[-1]
    assert nxt["occurrence_index"] == 2
    pending = api.get(f"api/{user}/reminders?status=pending", user=user).json()["reminders"]
    mine = [m for m in pending if m["task_id"] == nxt["id"]]
    assert len(mine) == 1 and mine[0]["before_seconds"] == 1800
    assert parse(mine[0]["remind_at"]) == parse(nxt["due_datetime"]) - datetime.timedelta(minutes=30)
    cancelled = api.get(f"api/{user}/reminders?status=cancelled", user=user).json()["reminders"]
    assert [m["task_id"] for m in cancelled] == [t["id"]]


@pytest.mark.parametrize("body,field,status", [
    ({"remind_at": "2020-01-01T00:00:00Z"}, "remind_at", 400),
    ({"before": "15m"}, "before", 400),                 # the task has no due time
    ({"before": "soon"}, "before", 400),
    ({"before": "15m", "remind_at": "2030-01-01T00:00:00Z"}, "before", 400),
    ({}, "remind_at", 400),
    ({"remind_at": "tomorrow"}, "remind_at", 400),
    ({"at": "2030-01-01T00:00:00Z"}, "at", 400),
])
def test_bad_reminders_get_400(api, user, body, field, status):
    t = create(api, user)
    r = api.post(f"api/{user}/tasks/{t['id']}/reminder", user=user, body=body)
    assert r.status == status, r
    assert field in r.json()["message"], r
    assert api.get(f"api/{user}/reminders", user=user).json()["count"] == 0


def test_reminders_are_private(api, user):
    t = create(api, user)
    other = user + "-b"
    r = api.post(f"api/{other}/tasks/{t['id']}/reminder", user=other,
                 body={"remind_at": iso(now_utc() + datetime.timedelta(hours=1))})
    assert r.status == 404, r
    m = add(api, user, t["id"], remind_at=iso(now_utc() + datetime.timedelta(hours=1)))
    assert api.delete(f"api/{other}/reminders/{m['id']}", user=other).status == 404
    assert api.get(f"api/{other}/reminders", user=other).json()["count"] == 0
