"""todod's own HTTP port through a real stack: /livez and /readyz, and
/metrics parsed by the reference Prometheus parser (prometheus_client) and
linted by `promtool check metrics` (scripts/install-promtool.sh), with
counters that move by exactly the requests a client made through daprd:
REST requests, the outbox and the consumer (task creates), dead letters (a
poison message), reminders (one that fires)."""
import datetime
import json
import os
import pathlib
import subprocess
import urllib.error
import urllib.request
import uuid

from prometheus_client.parser import text_string_to_metric_families

from conftest import poll

ROOT = pathlib.Path(__file__).resolve().parents[2]
HTTP = os.environ.get("TODOD_E2E_HTTP", "http://127.0.0.1:%s" % os.environ.get("TODOD_HTTP_PORT", "8080"))


def get(path):
    try:
        with urllib.request.urlopen(HTTP + path, timeout=10) as r:
            return r.status, r.read().decode(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get("Content-Type", "")


def scrape():
    status, text, ctype = get("/metrics")
    assert status == 200 and ctype.startswith("text/plain; version=0.0.4"), (status, ctype)
    samples = {}
    families = {}
    for fam in text_string_to_metric_families(text):
        families[fam.name] = fam
        for s in fam.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return families, samples, text


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_live_and_ready():
    assert get("/livez")[:2] == (200, "ok\n")
    # daprd subscribed long ago on this stack; the database answers.
    status, body, _ = get("/readyz")
    assert (status, body) == (200, "ok\n"), body
    assert get("/nope")[0] == 404


def test_metrics_parse_and_count_requests(api, user):
    families, before, text = scrape()
    for name, kind in [("todod_http_requests", "counter"), ("todod_http_request_duration_seconds", "histogram"),
                       ("todod_work_queue_depth", "gauge"), ("todod_calls_shed", "counter"),
                       ("todod_rate_limited", "counter"), ("todod_db_query_duration_seconds", "histogram"),
                       ("todod_outbox_oldest_age_seconds", "gauge"), ("process_resident_memory_bytes", "gauge"),
                       ("todod_build_info", "gauge")]:
        assert name in families and families[name].type == kind, (name, families.get(name))
    for _ in range(5):
        assert api.get(f"api/{user}/tasks/999999999", user=user).status == 404
    for _ in range(3):
        assert api.get(f"api/{user}/tasks", user=user).status == 200
    key_nf = dict(route="api/{user_id}/tasks/{id}", method="GET", status="404")
    key_ok = dict(route="api/{user_id}/tasks", method="GET", status="200")
    _, after, text = scrape()
    assert value(after, "todod_http_requests_total", **key_nf) - value(before, "todod_http_requests_total", **key_nf) == 5
    assert value(after, "todod_http_requests_total", **key_ok) - value(before, "todod_http_requests_total", **key_ok) == 3
    # Label values are bounded: route templates, never a user id or a raw path.
    assert user not in text and "999999999" not in text
    assert value(after, "todod_database_up") == 1 and value(after, "todod_up") == 1


def promtool():
    """The pinned promtool: TODOD_E2E_PROMTOOL, else built (once, cached) by
    scripts/install-promtool.sh. Never skipped: without it the test fails."""
    path = os.environ.get("TODOD_E2E_PROMTOOL")
    if not path:
        path = subprocess.run([str(ROOT / "scripts/install-promtool.sh"), "--path"], check=True,
                              capture_output=True, text=True, timeout=900).stdout.strip()
    return path


def test_promtool_lint_is_clean():
    _, _, text = scrape()
    r = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "" and r.stderr.strip() == "", (r.returncode, r.stdout, r.stderr)


FAMILIES = [
    ("todod_outbox_backlog", "gauge"), ("todod_outbox_projected_lag_seconds", "gauge"),
    ("todod_outbox_published", "counter"), ("todod_outbox_failed", "counter"),
    ("todod_relay_batch_size", "histogram"), ("todod_relay_round_duration_seconds", "histogram"),
    ("todod_consumer_events", "counter"), ("todod_consumer_lag_seconds", "histogram"),
    ("todod_dead_letters_recorded", "counter"),
    ("todod_reminders_scheduled", "counter"), ("todod_reminders_cancelled", "counter"),
    ("todod_reminders_fired", "counter"), ("todod_reminder_fire_lateness_seconds", "histogram"),
    ("todod_reminders_reconciled", "counter"), ("todod_reminder_jobs_stale", "counter"),
    ("todod_db_connections", "gauge"), ("todod_db_connections_busy", "gauge"),
    ("todod_db_connect_failures", "counter"), ("todod_db_reconnects", "counter"),
    ("todod_schema_migrations_pending", "gauge"), ("todod_subscribed", "gauge"),
    ("process_cpu_seconds", "counter"), ("process_open_fds", "gauge"),
]


def test_pipeline_families_exist():
    families, samples, _ = scrape()
    for name, kind in FAMILIES:
        assert name in families and families[name].type == kind, (name, families.get(name))
    assert value(samples, "todod_schema_migrations_pending") == 0
    assert value(samples, "todod_subscribed") == 1


TE = "task-events"


def consumed(samples, outcome, topic=TE):
    return value(samples, "todod_consumer_events_total", topic=topic, outcome=outcome)


def quiet():
    """A snapshot taken once the event pipeline is idle: nothing waiting in
    the outbox and no message handled between two scrapes. Events of earlier
    tests would otherwise be counted as this test's."""
    last = [None]

    def settled():
        _, s, _ = scrape()
        key = (consumed(s, "handled"), consumed(s, "duplicate"), consumed(s, "dead_lettered"),
               value(s, "todod_outbox_published_total", topic=TE))
        same = last[0] is not None and last[0][0] == key and value(s, "todod_outbox_backlog") == 0
        last[0] = (key, s)
        return s if same else None
    return poll(settled, deadline_s=60, interval_s=0.5, what="an idle event pipeline")


def test_outbox_and_consumer_count_each_event_once(api, user):
    n = 7
    before = quiet()
    for i in range(n):
        assert api.post(f"api/{user}/tasks", user=user, body={"title": f"metered {i}"}).status == 200
    after = poll(lambda: (lambda s: s if consumed(s, "handled") - consumed(before, "handled") >= n else None)(scrape()[1]),
                 deadline_s=30, what=f"{n} task events handled")
    after = quiet()   # nothing more arrives (a duplicate or a stray event would show here)
    d = lambda name, **kw: value(after, name, **kw) - value(before, name, **kw)  # noqa: E731
    assert d("todod_outbox_published_total", topic=TE) == n
    assert consumed(after, "handled") - consumed(before, "handled") == n
    assert consumed(after, "duplicate") - consumed(before, "duplicate") == 0
    assert consumed(after, "dead_lettered") - consumed(before, "dead_lettered") == 0
    assert d("todod_consumer_lag_seconds_count", topic=TE) == n
    # Commit-to-handled lag is real time, not zero and not minutes.
    lag_sum = d("todod_consumer_lag_seconds_sum", topic=TE)
    assert 0 < lag_sum / n < 10, lag_sum
    assert d("todod_relay_batch_size_sum") >= n and d("todod_relay_round_duration_seconds_count") >= 1
    assert d("todod_outbox_failed_total", topic=TE) == 0


def publish_raw(topic, body, ce_id):
    dapr = os.environ.get("TODOD_E2E_DAPR_HTTP", "http://127.0.0.1:3500")
    req = urllib.request.Request(f"{dapr}/v1.0/publish/pubsub/{topic}?metadata.cloudevent.id={ce_id}",
                                 data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status


def test_poison_message_counts_one_dead_letter():
    before = quiet()
    dlq = TE + "-dlq"
    ce_id = str(uuid.uuid4())
    assert publish_raw(TE, json.dumps({"poison": True}).encode(), ce_id) == 204
    after = poll(lambda: (lambda s: s if value(s, "todod_dead_letters_recorded_total", topic=dlq)
                          > value(before, "todod_dead_letters_recorded_total", topic=dlq) else None)(scrape()[1]),
                 deadline_s=30, what="the poison message recorded from " + dlq)
    assert consumed(after, "dead_lettered") - consumed(before, "dead_lettered") == 1
    assert value(after, "todod_dead_letters_recorded_total", topic=dlq) - \
        value(before, "todod_dead_letters_recorded_total", topic=dlq) == 1
    assert consumed(after, "handled") == consumed(before, "handled")


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_reminder_counts_scheduled_fired_and_lateness(api, user):
    _, before, _ = scrape()
    r = api.post(f"api/{user}/tasks", user=user, body={"title": "remind and measure"})
    assert r.status == 200, r
    at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
    r = api.post(f"api/{user}/tasks/{r.json()['id']}/reminder", user=user, body={"remind_at": iso(at)})
    assert r.status == 200, r
    job = dict(path="job")
    fired = lambda s: value(s, "todod_reminders_fired_total", **job) - value(before, "todod_reminders_fired_total", **job)  # noqa: E731
    after = poll(lambda: (lambda s: s if fired(s) >= 1 else None)(scrape()[1]), deadline_s=20,
                 what="the reminder to fire")
    d = lambda name, **kw: value(after, name, **kw) - value(before, name, **kw)  # noqa: E731
    assert d("todod_reminders_scheduled_total") == 1
    assert fired(after) == 1
    assert d("todod_reminder_fire_lateness_seconds_count", **job) == 1
    # Fired on time: the job's own callback, well within a second of remind_at.
    assert 0 <= d("todod_reminder_fire_lateness_seconds_sum", **job) < 1.0
    assert d("todod_reminder_fire_lateness_seconds_bucket", le="1", **job) == 1
    assert d("todod_reminders_reconciled_total", action="fired_late") == 0
    assert d("todod_reminders_fired_total", path="reconciler") == 0



def test_dashboard_and_alerts_use_only_exported_series():
    """Every todod_ / process_ series the chart's dashboard and alert rules query is one todod
    exports (todod_realtime_* come from the real-time gateway and are left out here)."""
    import re
    _, _, text = scrape()
    exported = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            exported |= {name} | ({name + s for s in ("_bucket", "_sum", "_count")} if kind == "histogram" else set())
    chart = ROOT / "charts/todod"
    used = set(re.findall(r"\b((?:todod|process)_[a-z_]+)", (chart / "dashboards/todod.json").read_text()
                          + (chart / "templates/_alerts.tpl").read_text()))
    used = {u for u in used if not u.startswith("todod_realtime_")}
    assert used and used <= exported, sorted(used - exported)
