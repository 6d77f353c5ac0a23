"""Real-time sync across two replicas (two todod + daprd pairs sharing PostgreSQL,
Kafka and the scheduler; kafka profile, scripts/stack.sh replica up): a change
made through one replica reaches a client of the other, a ticket issued by one is
redeemed by the other, and kill -9 of one replica leaves the other's clients
undisturbed while the killed one's clients reconnect to the survivor and resume
without gap or duplicate."""
import datetime
import json
import threading
import time

import pytest

from conftest import (HTTP_A, HTTP_B, Client, client, create, issue, kill9, open_ws, poll, refusal,
                      replica, update, write_retrying, ws_url)

pytestmark = pytest.mark.replicas


def parse(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def contiguous(frames, after):
    cursors = [f["cursor"] for f in frames]
    assert cursors == list(range(after + 1, after + 1 + len(frames))), cursors


def test_change_through_replica_a_reaches_a_client_on_b(api, api_b, user, sockets):
    assert issue(api_b, user)["url"].startswith(ws_url(HTTP_B, "")), "B's tickets name B's socket URL"
    on_b = client(api_b, user)                            # ticket from B, socket on B
    cross = client(api, user, http_base=HTTP_B)           # ticket issued by A, redeemed by B
    on_a = client(api_b, user, http_base=HTTP_A)          # and the other way round
    sockets += [on_b, cross, on_a]

    t = create(api, user, "through A")
    u = update(api_b, user, t["id"], title="through B")
    for c in (on_b, cross, on_a):
        ev = c.events(2)
        contiguous(ev, 0)
        assert [e["task"] for e in ev] == [t, u]
        assert c.fence() == []

    # A ticket redeemed on one replica is spent on the other too.
    # (B redeems after the upgrade: its "subscribed" answer says it has, before A is tried.)
    tk = issue(api, user)
    on_b_again = Client(open_ws(ws_url(HTTP_B, tk["ticket"])), user)
    sockets.append(on_b_again)
    on_b_again.subscribe()
    code, _ = refusal(ws_url(HTTP_A, tk["ticket"]))
    assert code == 4401


class Reader(threading.Thread):
    """Reads one socket until told to stop or the socket closes; keeps events and latencies."""

    def __init__(self, c):
        super().__init__(daemon=True)
        self.c, self.events, self.other, self.lat = c, [], [], []
        self.closed = None
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                raw = self.c.ws.recv(timeout=0.2)
            except TimeoutError:
                continue
            except Exception as e:                        # the socket closed
                self.closed = e
                return
            m = json.loads(raw)
            if m["type"] == "event":
                self.events.append(m)
                self.lat.append(time.time() - parse(m["occurred_at"]).timestamp())
            else:
                self.other.append(m)


def test_kill9_of_one_replica_other_clients_unaffected_killed_ones_resume_on_the_other(
        api, api_b, user, sockets):
    ua, ub = user + "-a", user + "-b"
    ta = create(api, ua, "a")["id"]
    tb = create(api, ub, "b")["id"]
    # ua: one client on A and one on B; ub: one on B. All subscribed from their user's cursor 1.
    a1 = client(api, ua, since=1)
    b1 = client(api_b, ua, since=1)
    b2 = client(api_b, ub, since=1)
    sockets += [a1, b1, b2]
    readers = {n: Reader(c) for n, c in (("a1", a1), ("b1", b1), ("b2", b2))}
    for r in readers.values():
        r.start()

    count, stop = {ua: 1, ub: 1}, threading.Event()

    def writer(u, tid):                                   # through A: it survives
        i = 0
        while not stop.is_set():
            write_retrying(api, "PUT", f"api/{u}/tasks/{tid}", u, {"title": f"w{i}"})
            count[u] += 1
            i += 1

    writers = [threading.Thread(target=writer, args=a, daemon=True) for a in ((ua, ta), (ub, tb))]
    for w in writers:
        w.start()
    try:
        poll(lambda: len(readers["b1"].events) >= 20 and len(readers["b2"].events) >= 20, deadline_s=30,
             what="20 live events on the replica's clients")
        kill9("replica/todod")
        kill9("replica/daprd")
        poll(lambda: readers["b1"].closed and readers["b2"].closed, deadline_s=30,
             what="the killed replica's sockets to close")
        # Reconnect to A from the last cursor each had.
        resumed = {}
        for n, u in (("b1", ua), ("b2", ub)):
            last = readers[n].events[-1]["cursor"]
            c = client(api, u, since=last)
            sockets.append(c)
            resumed[n] = (last, Reader(c))
            resumed[n][1].start()
        poll(lambda: all(len(r.events) >= 20 for _, r in resumed.values()), deadline_s=30,
             what="20 more events on the resumed clients")
    finally:
        stop.set()
        for w in writers:
            w.join(30)
    final = dict(count)
    try:
        poll(lambda: len(readers["a1"].events) >= final[ua] - 1 and all(
            len(r.events) >= final[u] - last for (last, r), u in zip(resumed.values(), (ua, ub))),
            deadline_s=30, what="every change on every client")
        for r in [*readers.values(), *(r for _, r in resumed.values())]:
            r.done.set()
            r.join(5)
        # A's client saw nothing odd: every change once, in order, no other frame, not closed, prompt.
        a = readers["a1"]
        contiguous(a.events, 1)
        assert len(a.events) == final[ua] - 1 and a.other == [] and a.closed is None
        # Prompt: no event waits for anything the kill sets off (a Kafka session timeout or group
        # rebalance takes 10 s and more; a lost notice would wait for the writes' end). Shorter
        # hiccups at the kill (up to ~2 s when the shared 2-core machine is loaded: the killed
        # replica's relay may hold rows of these tasks until PostgreSQL aborts its transaction)
        # are in the bound; the figures are printed.
        a.lat.sort()
        p50, p99, top = a.lat[len(a.lat) // 2], a.lat[int(len(a.lat) * 0.99)], a.lat[-1]
        print(f"A's client across the kill: {len(a.lat)} events, commit->client p50 {p50 * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms, max {top * 1000:.0f} ms")
        assert top < 5.0, f"A's client waited {top:.3f}s for an event (p50 {p50:.3f}s, p99 {p99:.3f}s)"
        # The killed replica's clients: what they had before the kill plus what they got on A
        # after reconnecting = every change once, in order.
        for (n, u), (last, r) in zip((("b1", ua), ("b2", ub)), resumed.values()):
            before = readers[n].events
            contiguous(before, 1)
            contiguous(r.events, last)
            assert len(before) + len(r.events) == final[u] - 1, (n, len(before), len(r.events), final[u])
            assert r.other == [], r.other
    finally:
        replica("up")                                    # restored for the tests after this one
