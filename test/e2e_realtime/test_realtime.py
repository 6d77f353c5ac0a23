"""Real-time sync on one replica, seen from real WebSocket clients: changes made
by REST reach the user's sockets and nobody else's, in cursor order; a client
resumes by cursor without gap or duplicate (also while live events arrive
during the replay); a cursor past retention gets `resync`; a firing reminder
reaches the socket; tickets are single-use and short-lived; a slow client is
culled (4001) while a fast one keeps its latency; bad client input gets error
frames, abuse 1008 and an oversize frame 1009.

Events of one user carry that user's cursor, which is total (commit order), so
every assertion about order is about cursors of one user."""
import datetime
import json
import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from websockets.exceptions import ConnectionClosed

from conftest import (HTTP_A, WORK, Client, client, create, issue, metric, open_ws, poll, refusal,
                      slow_socket, update, write_retrying)


def contiguous(frames, after):
    """The cursors of @frames are after+1, after+2, ... (no gap, no duplicate)."""
    cursors = [f["cursor"] for f in frames]
    assert cursors == list(range(after + 1, after + 1 + len(frames))), cursors


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def parse(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


# ---------------------------------------------------------------- delivery

def test_change_by_rest_reaches_the_users_sockets_and_nobody_elses(api, user, sockets):
    other = user + "-x"
    mine = [client(api, user), client(api, user)]          # two devices of the user
    theirs = client(api, other)
    sockets += [*mine, theirs]
    assert mine[0].cursor == mine[1].cursor == 0, "a new user's cursor starts at 0"
    url = issue(api, user)["url"]
    assert url.startswith(f"ws://127.0.0.1:{HTTP_A.rsplit(':', 1)[1]}/realtime?ticket="), url

    t = create(api, user, "first")
    u = update(api, user, t["id"], title="renamed")
    r = api.patch(f"api/{user}/tasks/{t['id']}/complete", user=user)
    assert r.status == 200, r
    done = r.json()
    assert api.delete(f"api/{user}/tasks/{t['id']}", user=user).status == 200

    for c in mine:
        ev = c.events(4)
        contiguous(ev, 0)
        assert [e["event_type"] for e in ev] == ["task.created", "task.updated", "task.completed", "task.deleted"]
        assert all(e["task_id"] == t["id"] for e in ev)
        assert [e["task"] for e in ev] == [t, u, done, None], "event task = the REST answer of the change"
        assert all(parse(e["occurred_at"]) <= now_utc() for e in ev)
        assert c.fence() == [], "nothing after the four events"

    # The other user's socket got none of it: its first frame is its own change.
    mark = create(api, other, "other's")
    ev, = theirs.events(1)
    assert (ev["cursor"], ev["task_id"], ev["event_type"]) == (1, mark["id"], "task.created")
    assert theirs.fence() == []
    assert all(c.fence() == [] for c in mine), "the other user's change reached this user"


def test_subscribe_narrowing_unsubscribe_and_ping(api, user, sockets):
    a = create(api, user, "a")
    b = create(api, user, "b")
    r = api.post(f"api/{user}/tags", user=user, body={"name": "work"})
    assert r.status == 200, r
    tag = r.json()
    assert api.post(f"api/{user}/tasks/{b['id']}/tags/{tag['id']}", user=user).status == 200
    by_id = client(api, user, task_ids=[a["id"]])
    by_tag = client(api, user, tags=["work"])
    every = client(api, user)
    sockets += [by_id, by_tag, every]

    update(api, user, b["id"], title="b2")
    update(api, user, a["id"], title="a2")
    ev_every = every.events(2)
    contiguous(ev_every, every.cursor)
    assert [e["task_id"] for e in ev_every] == [b["id"], a["id"]]
    assert [e["task_id"] for e in by_id.events(1)] == [a["id"]]
    assert [e["task_id"] for e in by_tag.events(1)] == [b["id"]]
    assert by_id.fence() == [] and by_tag.fence() == []

    every.send({"type": "unsubscribe"})
    every.expect("unsubscribed")
    update(api, user, a["id"], title="a3")
    assert by_id.events(1)[0]["task_id"] == a["id"]   # delivered: so `every` would have had it by now
    assert every.fence() == [], "an event after unsubscribe"
    every.send({"type": "ping", "id": {"any": [1, "x"]}})
    assert every.expect("pong") == {"type": "pong", "id": {"any": [1, "x"]}}
    every.send({"type": "ping"})
    assert every.expect("pong")["type"] == "pong"


# ---------------------------------------------------------------- resume

def test_reconnect_with_cursor_gets_exactly_the_missed_changes_in_order_then_live(api, user, sockets):
    c = client(api, user)
    t = create(api, user, "before")
    seen, = c.events(1)
    c.close()
    last = seen["cursor"]

    tasks = [t["id"]] + [create(api, user, f"offline {i}")["id"] for i in range(4)]
    written = [(tasks[i], 1, "task.created") for i in range(1, 5)]
    for i in range(46):                                     # 50 changes in all while offline
        body = write_retrying(api, "PUT", f"api/{user}/tasks/{tasks[i % 5]}", user, {"title": f"off {i}"})
        written.append((body["id"], body["version"], "task.updated"))

    # Reconnect while more changes are being made: the replay hands over to live events
    # (merged by cursor) with nothing lost or repeated.
    live = []

    def writer():
        for i in range(20):
            body = write_retrying(api, "PUT", f"api/{user}/tasks/{tasks[i % 5]}", user, {"title": f"live {i}"})
            live.append((body["id"], body["version"], "task.updated"))

    with ThreadPoolExecutor(1) as pool:
        fut = pool.submit(writer)
        again = client(api, user, since=last)
        sockets.append(again)
        fut.result()
    got = again.events(70, timeout=30)
    contiguous(got, last)
    assert [(e["task_id"], e["task"]["version"], e["event_type"]) for e in got[:50]] == written
    assert sorted((e["task_id"], e["task"]["version"]) for e in got[50:]) == sorted(x[:2] for x in live)
    assert again.fence() == [], "a frame after the last change"
    extra = create(api, user, "live after")
    ev, = again.events(1)
    assert (ev["cursor"], ev["task_id"]) == (last + 71, extra["id"])


def test_cursor_past_retention_gets_resync(api, user, sockets):
    keep = int(os.environ.get("TODOD_FEED_RETENTION_COUNT", "10000"))
    if keep > 300:
        pytest.fail(f"TODOD_FEED_RETENTION_COUNT={keep}: start the stack with a small count "
                    "(scripts/test.sh uses 100) for this test")
    t = create(api, user, "retained")
    n = keep + 20
    for i in range(n - 1):
        write_retrying(api, "PUT", f"api/{user}/tasks/{t['id']}", user, {"title": f"v{i}"})
    newest = n

    # Pruning is periodic: reconnect from cursor 0 until the server says the feed moved on.
    # (Cursor 0 = "everything from the first change" is served by replay while cursor 1 is kept.)
    def attempt():
        c = client(api, user, subscribe=False)
        sockets.append(c)
        c.send({"type": "subscribe", "since": 0})
        sub = c.expect("subscribed")
        assert sub["cursor"] == newest, sub
        m = c.recv()
        c.close()
        if m["type"] == "event":
            assert m["cursor"] == 1, m            # not pruned yet: a replay from the start
            return None
        return m
    # The realtime worker prunes every 60 s (hub.c PRUNE_INTERVAL_S): wait longer than one period.
    m = poll(attempt, deadline_s=90, interval_s=0.5, what="a resync once the feed is pruned")
    assert m["type"] == "resync" and m["cursor"] == newest and m["reason"], m

    # Reload by REST (the task is at version n), then subscribe from the resync's cursor: live again.
    r = api.get(f"api/{user}/tasks/{t['id']}", user=user)
    assert r.status == 200 and r.json()["version"] == n, r
    c = client(api, user, since=m["cursor"])
    sockets.append(c)
    assert c.fence() == [], "nothing to replay after the resync cursor"
    update(api, user, t["id"], title="after resync")
    ev, = c.events(1)
    assert ev["cursor"] == newest + 1 and ev["task"]["version"] == n + 1


# ---------------------------------------------------------------- reminders

def test_reminder_firing_reaches_the_open_socket(api, user, sockets):
    t = create(api, user, "call the dentist")
    c = client(api, user)
    sockets.append(c)
    at = now_utc() + datetime.timedelta(seconds=2)
    r = api.post(f"api/{user}/tasks/{t['id']}/reminder", user=user,
                 body={"remind_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")})
    assert r.status == 200, r
    rid = r.json()["id"]
    frames = []

    def fired():
        m = c.recv(timeout=20)
        frames.append(m)
        return m if m["type"] == "reminder" else None
    m = poll(fired, deadline_s=20, interval_s=0, what="the reminder frame")
    assert (m["reminder_id"], m["task_id"], m["title"]) == (rid, t["id"], "call the dentist"), m
    assert abs((parse(m["remind_at"]) - at).total_seconds()) < 0.01, m
    assert (now_utc() - parse(m["occurred_at"])).total_seconds() < 5, m
    # Whatever came before (events of the reminder's own changes) precedes it in the user's cursor order.
    contiguous(frames, c.cursor)
    assert all(f["type"] == "event" for f in frames[:-1]), frames


# ---------------------------------------------------------------- tickets

def test_bad_expired_and_reused_tickets_are_refused_with_401(api, user, sockets):
    refused_before = metric(HTTP_A, "todod_realtime_tickets_total", result="refused")
    t = issue(api, user)
    assert t["expires_in"] == int(os.environ.get("TODOD_TICKET_TTL_S", "30")), t
    base = t["url"].split("?", 1)[0]

    status, body = refusal(base)                            # no ticket at all
    assert status == 401 and "ticket" in body, body
    status, body = refusal(f"{base}?ticket=not+a+ticket%21")      # malformed
    assert status == 401 and "ticket" in body, body
    bad = secrets.token_urlsafe(32)
    code, reason = refusal(f"{base}?ticket={bad}")          # well-formed, never issued
    assert code == 4401 and reason, reason

    c = Client(open_ws(t["url"]), user)                      # first use: accepted
    sockets.append(c)
    c.subscribe()
    code, reason = refusal(t["url"])                         # second use: refused
    assert code == 4401 and reason, reason

    # Clients racing for one ticket (first-write-wins): exactly one socket is served.
    race = issue(api, user)

    def use(_):
        ws = open_ws(race["url"])
        try:
            ws.send('{"type":"ping"}')
            assert json.loads(ws.recv(timeout=15))["type"] == "pong"
            return ws
        except ConnectionClosed as e:
            return e.rcvd.code if e.rcvd else None
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(use, range(4)))
    served = [o for o in outcomes if not isinstance(o, (int, type(None)))]
    assert len(served) == 1 and [o for o in outcomes if o in served or o == 4401] == outcomes, outcomes
    served[0].close()

    # Expired: unused until its TTL has passed (the stack runs with a short TODOD_TICKET_TTL_S).
    ttl = t["expires_in"]
    if ttl > 10:
        pytest.fail(f"TODOD_TICKET_TTL_S={ttl}: start the stack with a short TTL (scripts/test.sh uses 5)")
    late = issue(api, user)
    late_at = time.monotonic()
    poll(lambda: time.monotonic() - late_at > ttl + 1.5, deadline_s=ttl + 5, interval_s=0.1,
         what="the ticket's TTL to pass")
    code, reason = refusal(late["url"])
    assert code == 4401 and reason, reason

    # Not without the user's own JWT.
    assert api.post(f"api/{user}/realtime/tickets").status == 401
    assert api.post(f"api/{user}/realtime/tickets", user=user + "-x").status in (401, 403)

    # Every refusal counted once: no ticket, malformed (at the upgrade), then unknown, reused,
    # 3 race losers and expired (after the store lookup).
    poll(lambda: metric(HTTP_A, "todod_realtime_tickets_total", result="refused") - refused_before >= 8,
         deadline_s=10, what="8 more refused tickets counted")
    assert metric(HTTP_A, "todod_realtime_tickets_total", result="refused") - refused_before == 8
    log = (WORK / "logs/todod.log").read_text(errors="replace")
    for secret in (bad, t["ticket"], race["ticket"], late["ticket"]):
        assert secret not in log, "a ticket in todod's log"


# ---------------------------------------------------------------- slow clients

def test_slow_client_is_culled_while_a_fast_one_keeps_its_latency(api, user, sockets):
    # Big frames (a 1,000-character description of 4-byte characters) so the slow client's
    # kernel buffers fill with few changes and the server's queue (TODOD_RT_QUEUE_MAX) overflows.
    desc = "\U0001F600" * 1000
    tasks = [create(api, user, f"t{i}", description=desc)["id"] for i in range(4)]
    fast = client(api, user)
    slow = Client(slow_socket(issue(api, user)["url"]), user)
    sockets += [fast, slow]
    slow.subscribe()
    start = fast.cursor
    culled0 = metric(HTTP_A, "todod_realtime_clients_culled_total", reason="lagging")

    got, lat, stop = [], [], threading.Event()

    def read_fast():
        while not stop.is_set() or len(got) < written[0]:
            try:
                m = json.loads(fast.ws.recv(timeout=0.5))
            except TimeoutError:
                if stop.is_set() and time.monotonic() > stop_at[0] + 20:
                    return
                continue
            lat.append((time.time() - parse(m["occurred_at"]).timestamp()) * 1000)
            got.append(m)

    written, stop_at = [0], [0.0]
    reader = threading.Thread(target=read_fast, daemon=True)
    reader.start()
    lock = threading.Lock()

    def burst(k):
        for i in range(25):
            write_retrying(api, "PUT", f"api/{user}/tasks/{tasks[k]}", user, {"title": f"w{k}-{i}", "description": desc})
            with lock:
                written[0] += 1

    culled = False
    end = time.monotonic() + 120
    with ThreadPoolExecutor(4) as pool:
        while not culled and time.monotonic() < end and written[0] < 3000:
            list(pool.map(burst, range(4)))
            culled = metric(HTTP_A, "todod_realtime_clients_culled_total", reason="lagging") > culled0
    stop_at[0] = time.monotonic()
    stop.set()
    reader.join(60)
    assert culled, f"the slow client was not culled after {written[0]} changes"

    # The fast client got every change, in order, promptly.
    contiguous(got, start)
    assert len(got) == written[0]
    lat.sort()
    p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99)]
    print(f"\nfast client during the cull: {len(lat)} events, p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {lat[-1]:.0f} ms")
    assert p99 < 1000, f"fast client's commit-to-client p99 {p99:.0f} ms (p50 {p50:.0f}) while the slow one lagged"

    # The slow client, reading again, finds what was sent before the close, then 4001 ...
    seen = []
    try:
        while True:
            m = json.loads(slow.ws.recv(timeout=15))
            if m["type"] == "event":
                seen.append(m)
    except TimeoutError:
        pytest.fail("the culled client's socket stayed open")
    except Exception as e:
        code = getattr(getattr(e, "rcvd", None), "code", None)
        assert code == 4001, f"close {code} ({e!r}), not 4001 (lagging)"
    contiguous(seen, start)
    # ... and resumes by cursor: exactly the rest.
    last = seen[-1]["cursor"] if seen else start
    again = client(api, user, since=last)
    sockets.append(again)
    rest = again.events(start + written[0] - last, timeout=30)
    contiguous(rest, last)
    assert again.fence() == []


# ---------------------------------------------------------------- bad input

def test_malformed_messages_get_error_frames_naming_the_problem(api, user, sockets):
    c = client(api, user, subscribe=False)
    sockets.append(c)
    cases = [
        ("{not json", "bad_json", None),
        ("[1, 2]", ("bad_json", "bad_message"), "object"),   # JSON, but not an object
        ('{"id": 1}', "bad_message", "type"),
        ('{"type": "launch"}', "unknown_type", "launch"),
        ('{"type": "subscribe", "since": "yesterday"}', "bad_field", "since"),
        ('{"type": "subscribe", "since": -1}', "bad_field", "since"),
        ('{"type": "subscribe", "task_ids": "7"}', "bad_field", "task_ids"),
        ('{"type": "subscribe", "tags": [1]}', "bad_field", "tags"),
    ]
    for raw, code, named in cases:
        c.send(raw)
        m = c.expect("error")
        assert m["code"] in ((code,) if isinstance(code, str) else code), (raw, m)
        assert m["message"] and (named is None or named in m["message"]), (raw, m)
    c.ws.send(b"\x00\x01binary")                          # a binary frame: not a JSON text frame
    assert c.expect("error")["code"] in ("bad_message", "bad_json")
    # Still served (9 errors: under the abuse limit).
    c.subscribe()
    assert c.fence() == []


def test_repeated_abuse_closes_with_1008(api, user, sockets):
    c = client(api, user)
    sockets.append(c)
    before = metric(HTTP_A, "todod_realtime_clients_culled_total", reason="abuse")
    for i in range(12):
        try:
            c.send(f'{{"type": "nonsense-{i}"}}')
        except Exception:
            break                                          # closed already
    assert c.closed_code() == 1008
    poll(lambda: metric(HTTP_A, "todod_realtime_clients_culled_total", reason="abuse") > before,
         deadline_s=10, what="the abuse cull counted")


def test_frame_over_4096_bytes_closes_with_1009(api, user, sockets):
    c = client(api, user)
    sockets.append(c)
    pad = "x" * (4096 - len('{"type":"ping","id":""}'))
    fits = '{"type":"ping","id":"%s"}' % pad
    assert len(fits.encode()) == 4096
    c.send(fits)
    assert c.expect("pong")["id"] == pad, "a 4,096-byte frame is allowed"
    c.send('{"type":"ping","id":"%s"}' % ("x" * 5000))
    assert c.closed_code() == 1009
    # The service is fine: a new socket of the same user works.
    d = client(api, user)
    sockets.append(d)
    assert d.fence() == []


def test_per_user_socket_limit_closes_with_4429(api, user, sockets):
    limit = int(os.environ.get("TODOD_RT_MAX_PER_USER", "20"))
    for _ in range(limit):
        sockets.append(client(api, user))
    code, reason = refusal(issue(api, user)["url"])         # known once the ticket names the user
    assert code == 4429 and reason, reason
    sockets.pop().close()
    poll(lambda: _served(api, user, sockets), deadline_s=10, what="a socket to be served again under the limit")


def _served(api, user, sockets):
    c = Client(open_ws(issue(api, user)["url"]), user)
    try:
        c.subscribe()
    except ConnectionClosed as e:
        assert e.rcvd and e.rcvd.code == 4429, e
        return False
    sockets.append(c)
    return True
