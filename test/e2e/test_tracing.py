"""One trace from the REST request to the consumer, read back from a real
trace backend (Jaeger, started by scripts/stack.sh with
TODOD_TRACING_BACKEND=jaeger; scripts/test.sh passes its query address as
TODOD_E2E_JAEGER).

The client opens the trace (its own traceparent header), so the test knows
the trace id before asking the backend. daprd records the spans; todod
carries the context: from the call metadata into its log line, into the
outbox row the request wrote, into the relay's publish (daprd's publish
span becomes the CloudEvent's parent) and so into the consumer's delivery.
"""
import json
import os
import pathlib
import secrets
import time
import urllib.error
import urllib.request

import pytest

from conftest import poll

JAEGER = os.environ.get("TODOD_E2E_JAEGER")
pytestmark = pytest.mark.skipif(
    not JAEGER, reason="no trace backend: start the stack with TODOD_TRACING_BACKEND=jaeger "
    "and set TODOD_E2E_JAEGER (scripts/test.sh does)")


def fetch_trace(trace_id):
    try:
        with urllib.request.urlopen(f"{JAEGER}/api/traces/{trace_id}", timeout=5) as r:
            data = json.load(r).get("data") or []
    except urllib.error.HTTPError as e:
        if e.code == 404:  # not stored (yet)
            return None
        raise
    return data


def test_one_trace_from_request_to_consumer(api, user):
    trace_id = secrets.token_hex(16)
    client_span = secrets.token_hex(8)
    r = api.post(f"api/{user}/tasks", user=user, body={"title": "traced"},
                 headers={"traceparent": f"00-{trace_id}-{client_span}-01"})
    assert r.status == 200, r
    task_id = r.json()["id"]

    route = f"api/{user}/tasks"
    need = ("ingress", "publish", "delivery")

    def complete():
        traces = fetch_trace(trace_id)
        if not traces:
            return None
        spans = [s for t in traces for s in t["spans"]]
        names = {s["operationName"] for s in spans}
        have = {
            "ingress": f"CallLocal/todod/{route}" in names,
            "publish": any(n.startswith("/dapr.proto.runtime.v1.Dapr/BulkPublishEvent") for n in names),
            "delivery": "pubsub/task-events" in names,
        }
        return (traces, spans) if all(have[k] for k in need) else None

    # daprd exports in batches (every 5 s): allow a few rounds.
    traces, spans = poll(complete, deadline_s=40, interval_s=0.5,
                         what=f"trace {trace_id} with the ingress, publish and delivery spans")

    print(f"\ntrace {trace_id} (task {task_id}): {len(spans)} spans")
    by_id = {s["spanID"]: s for s in spans}
    t0 = min(s["startTime"] for s in spans)
    for s in sorted(spans, key=lambda s: s["startTime"]):
        parent = next((ref["spanID"] for ref in s.get("references", []) if ref["refType"] == "CHILD_OF"), None)
        pname = by_id[parent]["operationName"] if parent in by_id else ("client" if parent == client_span else "-")
        print(f"  +{(s['startTime'] - t0) / 1000:8.1f} ms  {s['duration'] / 1000:8.1f} ms  "
              f"{s['operationName']}  (parent: {pname})")

    # ONE trace, and every span of it in that trace
    assert len(traces) == 1, [t["traceID"] for t in traces]
    assert {s["traceID"] for s in spans} == {trace_id}

    # the delivery to the consumer descends from daprd's publish span, which
    # descends from the request: walk the parents up to the client's span
    def chain(span):
        names = []
        while span is not None:
            names.append(span["operationName"])
            refs = [ref["spanID"] for ref in span.get("references", []) if ref["refType"] == "CHILD_OF"]
            if not refs:
                return names, None
            if refs[0] not in by_id:
                return names, refs[0]
            span = by_id[refs[0]]
        return names, None

    delivery = next(s for s in spans if s["operationName"] == "pubsub/task-events")
    names, root_parent = chain(delivery)
    assert any(n.startswith("/dapr.proto.runtime.v1.Dapr/BulkPublishEvent") for n in names), names
    assert root_parent == client_span, (names, root_parent)
    ingress = next(s for s in spans if s["operationName"] == f"CallLocal/todod/{route}")
    assert chain(ingress)[1] == client_span

    # todod's request line names the trace
    log = pathlib.Path(os.environ.get("TODOD_WORK", "/tmp/todod-work")) / "logs" / "todod.log"
    lines = [ln for ln in log.read_text(errors="replace").splitlines()
             if f"trace_id={trace_id}" in ln and "msg=request" in ln]
    assert len(lines) == 1 and f'path="{route}"' in lines[0], lines


def test_malformed_traceparent_is_ignored(api, user):
    """A client's malformed traceparent neither fails the request nor reaches
    the log as text."""
    bogus = "00-not-a-trace-id-01 injected=1"
    r = api.post(f"api/{user}/tasks", user=user, body={"title": "untraced"},
                 headers={"traceparent": bogus})
    assert r.status == 200, r
    log = pathlib.Path(os.environ.get("TODOD_WORK", "/tmp/todod-work")) / "logs" / "todod.log"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if f'path="api/{user}/tasks"' in text:
            break
        time.sleep(0.1)
    assert "injected=1" not in text
