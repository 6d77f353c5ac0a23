"""todod's own HTTP port through a real stack: /livez and /readyz, and
/metrics parsed by the reference Prometheus parser (prometheus_client), with
counters that move by exactly the requests a client made through daprd."""
import os
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from conftest import poll

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
