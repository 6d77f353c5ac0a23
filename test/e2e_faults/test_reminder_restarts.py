"""Reminders survive restarts: a reminder set before todod, daprd or the
Dapr Scheduler is killed and restarted still fires, exactly once. The job
is persisted by the scheduler; if a delivery is lost anyway, todod's
reconciliation fires it late (marked `late`) — never twice."""
import datetime
import time

import pytest

from conftest import kill9, poll, script, wait_healthy

FIRE_DEADLINE_S = 60   # covers a restart plus reconciliation (grace 10 s, every 15 s)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def reminder(api, user, rid):
    r = api.get(f"api/{user}/reminders", user=user)
    assert r.status == 200, r
    return next(m for m in r.json()["reminders"] if m["id"] == rid)


def deliveries(api, user, rid):
    r = api.get(f"api/{user}/selftest/{rid:032x}", user=user)
    assert r.status == 200, r
    return r.json().get("deliveries", 0)


def restart_scheduler():
    script("scheduler.sh", "stop")
    script("scheduler.sh", "start")


@pytest.mark.parametrize("component,restart", [
    ("todod", lambda: (kill9("todod"), script("stack.sh", "restart-todod"))),
    ("daprd", lambda: (kill9("daprd"), script("daprd.sh", "start"))),
    ("scheduler", restart_scheduler),
])
def test_reminder_fires_once_after_restart(api, dapr_http, user, component, restart):
    r = api.post(f"api/{user}/tasks", user=user, body={"title": f"survives {component}"})
    assert r.status == 200, r
    tid = r.json()["id"]
    due = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=12)
    m = api.post(f"api/{user}/tasks/{tid}/reminder", user=user, body={"remind_at": iso(due)})
    assert m.status == 200, m
    rid = m.json()["id"]
    # Let the relay hand the job to the scheduler before the restart.
    poll(lambda: api.get("api/ops/outbox").json()["backlog"] == 0, deadline_s=10,
         what="the schedule command to reach the scheduler")
    try:
        restart()
    finally:
        wait_healthy(api, dapr_http)
    assert datetime.datetime.now(datetime.timezone.utc) < due, "the restart took past the reminder time"
    sent = poll(lambda: (lambda x: x if x["status"] == "sent" else None)(reminder(api, user, rid)),
                deadline_s=FIRE_DEADLINE_S, what=f"the reminder to fire after a {component} restart")
    poll(lambda: deliveries(api, user, rid) >= 1, deadline_s=30, what="its reminder-triggered delivery")
    time.sleep(2)  # an absence cannot be polled for: give a duplicate the time to show
    assert deliveries(api, user, rid) == 1
    lateness = (parse(sent["sent_at"]) - parse(sent["remind_at"])).total_seconds()
    print(f"{component} restart: fired {lateness:.3f}s after its time, late={sent['late']}")
    assert lateness >= -0.05
    if not sent["late"]:
        assert lateness < 1.0, f"fired by its job {lateness:.3f}s late"
