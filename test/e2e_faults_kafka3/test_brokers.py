"""Broker faults on three Kafka nodes (profile kafka3), under a steady write
load through daprd.

Each test writes at 40/s (updates, completes/reopens, new tasks) while it
breaks the cluster, then checks the promise of the outbox: every change that
committed appears exactly once in the activity log, and the task-events ids the
outbox held equal the activity entries' ids (0 lost, 0 duplicated). The API
writes only to PostgreSQL, so every write must answer 200 whatever Kafka does,
or, once an outage has kept the oldest unpublished event waiting 10 s
(TODOD_MAX_EVENT_LAG_MS), 429 "writes are paused" (nothing committed);
what a Kafka fault may do is delay events, shown by GET api/ops/outbox. Counts
are printed (pytest -s): the README's fault table is made from these lines.

  * kill -9 a follower of the busiest task-events partition: events keep
    flowing while it is down (acks=all needs 2 of 3 replicas);
  * kill -9 the leader of the busiest partition: a new leader is elected and
    events keep flowing while it is down;
  * kill -9 two nodes: no controller majority and fewer in-sync replicas than
    min.insync.replicas, so publishing stops and the outbox backlog grows
    (writes answer 200, then 429 "writes are paused"); once one node is back (two of three) everything
    drains and is checked before the third one returns;
  * a rolling restart (SIGTERM, start, wait until in sync) of all three nodes.
"""
import time

from conftest import (NODES, OK, SteadyLoad, assert_against_outbox, busiest, describe, kafka, kill9_node,
                      node_running, outbox, poll, sql, try_describe, wait_drained, wait_isr)

RATE = 40               # writes per second
CATCH_UP_S = 180        # relay + Kafka + consumer catching up after a fault


def report(what, **counts):
    print(f"\n[faults-kafka3] {what}: " + " ".join(f"{k}={v}" for k, v in counts.items()), flush=True)


def recorded(user_id):
    """Activity entries of @user_id in the database (cheaper than paging the API)."""
    return int(sql("SELECT count(*) FROM activity_logs WHERE user_id = :'u'", u=user_id)[0][0])


def wait_flowing(load, user_id, what, deadline_s=90):
    """Events of writes made from now on reach the activity log: the count of
    entries passes the count of writes answered 200 by now (plus 40)."""
    target = load.count(OK) + RATE
    poll(lambda: load.count(OK) >= target, deadline_s=30, what="more writes")
    t0 = time.monotonic()
    poll(lambda: recorded(user_id) >= target, deadline_s=deadline_s, interval_s=0.25,
         what=f"events to reach the activity log {what}")
    return time.monotonic() - t0


def finish(api, user_id, load):
    """Stop the load, wait for the outbox to drain, check exactly-once; counts."""
    load.stop()
    drain_s = wait_drained(api, deadline_s=CATCH_UP_S)
    failed = load.failed()
    # The one refusal allowed: 429 "writes are paused" (TODOD_MAX_EVENT_LAG_MS, 10 s by default)
    # while the outage keeps the oldest unpublished event waiting that long. It is refused before
    # anything is written, so it commits nothing; anything else (5xx, a broken or timed-out call)
    # fails the test.
    paused = [o for o in failed if o.status == 429 and b"writes are paused" in (o.error or b"")]
    other = [o for o in failed if o not in paused]
    assert not other, f"{len(other)} writes neither answered 200 nor were paused: {other[:5]}"
    counts = assert_against_outbox(api, user_id, load, deadline_s=CATCH_UP_S)
    counts["drained_in_s"] = f"{drain_s:.1f}"
    counts["writes_paused_429"] = len(paused)
    return counts


def follower_of(partition):
    leader, replicas, isr, _ = describe()[partition]
    return next(n for n in isr if n != leader)


def test_kill9_follower(api, user):
    """kill -9 a follower of the busiest task-events partition, 10 s down then
    restarted: events flow while it is down; 0 lost, 0 duplicated."""
    load = SteadyLoad(api, user, rate=RATE).start()
    try:
        wait_flowing(load, user, "before the fault")
        part, leader, end = busiest()
        victim = follower_of(part)
        pid = kill9_node(victim)
        flow_s = wait_flowing(load, user, f"with node {victim} down")
        time.sleep(max(0.0, 10 - flow_s))   # the outage lasts at least 10 s: its length is the point
        t0 = time.monotonic()
        kafka("start", str(victim))
        wait_isr()
        back_s = time.monotonic() - t0
        wait_flowing(load, user, "after the restart")
    finally:
        load.stop()
    counts = finish(api, user, load)
    report(f"kill -9 follower node {victim} (pid {pid}) of task-events-{part} (leader {leader}, {end} msgs)",
           flowing_again_in_s=f"{flow_s:.1f}", back_in_sync_s=f"{back_s:.1f}", **counts)


def test_kill9_leader_of_busiest_partition(api, user):
    """kill -9 the leader of the busiest task-events partition: another node
    leads it within the broker session timeout (6 s) plus election, events flow
    while the old leader is down; restarted after >= 10 s; 0 lost, 0 duplicated."""
    load = SteadyLoad(api, user, rate=RATE).start()
    try:
        wait_flowing(load, user, "before the fault")
        part, leader, end = busiest()
        pid = kill9_node(leader)
        t0 = time.monotonic()
        new = poll(lambda: (d := try_describe()) and d[part][0] not in (None, leader) and d[part][0],
                   deadline_s=90, interval_s=0.5, what=f"a new leader of task-events-{part}")
        elect_s = time.monotonic() - t0
        flow_s = wait_flowing(load, user, f"with node {leader} down")
        time.sleep(max(0.0, 10 - (time.monotonic() - t0)))
        t1 = time.monotonic()
        kafka("start", str(leader))
        wait_isr()
        back_s = time.monotonic() - t1
        wait_flowing(load, user, "after the restart")
    finally:
        load.stop()
    counts = finish(api, user, load)
    report(f"kill -9 leader node {leader} (pid {pid}) of the busiest partition task-events-{part} ({end} msgs)",
           new_leader=new, new_leader_in_s=f"{elect_s:.1f}", flowing_again_in_s=f"{flow_s:.1f}",
           back_in_sync_s=f"{back_s:.1f}", **counts)


def test_kill9_two_brokers_then_one_back(api, user):
    """kill -9 two of the three nodes (the busiest partition's leader and one
    more) for 15 s: writes answer 200 (then 429 "writes are paused"), publishing stops and the outbox
    backlog grows; with one node back (two of three) the backlog drains and
    every event reaches the activity log exactly once, checked before the
    third node returns (the fixture restarts it)."""
    load = SteadyLoad(api, user, rate=RATE).start()
    samples = []
    try:
        wait_flowing(load, user, "before the fault")
        part, leader, end = busiest()
        other = next(n for n in NODES if n != leader)
        survivor = next(n for n in NODES if n not in (leader, other))
        pids = [kill9_node(leader), kill9_node(other)]
        t0 = time.monotonic()
        while time.monotonic() - t0 < 15:  # the outage lasts 15 s: its length is the point
            o = outbox(api)
            samples.append((round(time.monotonic() - t0, 1), o["backlog"], o["oldest_age_ms"]))
            time.sleep(1)
        t1 = time.monotonic()
        kafka("start", str(other))        # two of three: a controller majority and 2 in-sync replicas again
        start_s = time.monotonic() - t1
        flow_s = wait_flowing(load, user, f"with nodes {survivor} and {other} up", deadline_s=120)
    finally:
        load.stop()
    backlogs = [b for _, b, _ in samples]
    assert max(backlogs) > 0 and backlogs[-1] > backlogs[0], f"the backlog did not grow: {samples}"
    assert not node_running(leader), "the third node came back too early"
    counts = finish(api, user, load)          # drained and exactly once with two nodes
    report(f"kill -9 nodes {leader} (leader of task-events-{part}) and {other} (pids {pids[0]}, {pids[1]}) "
           f"for 15 s, node {other} back", backlog_first=backlogs[0], backlog_max=max(backlogs),
           oldest_age_ms_max=max(a for _, _, a in samples), node_start_s=f"{start_s:.1f}",
           flowing_again_in_s=f"{flow_s:.1f}", **counts)


def test_rolling_restart(api, user):
    """Each node in turn stopped (SIGTERM: controlled shutdown hands its
    leaderships over), started and waited for until every partition is in sync
    again, under the steady load: events keep flowing, 0 lost, 0 duplicated."""
    load = SteadyLoad(api, user, rate=RATE).start()
    steps = []
    try:
        wait_flowing(load, user, "before the restarts")
        for n in NODES:
            t0 = time.monotonic()
            kafka("stop", str(n))
            t1 = time.monotonic()
            kafka("start", str(n))
            wait_isr()
            t2 = time.monotonic()
            steps.append(f"{n}:{t1 - t0:.1f}+{t2 - t1:.1f}")
            wait_flowing(load, user, f"after node {n} restarted")
    finally:
        load.stop()
    counts = finish(api, user, load)
    report("rolling restart of nodes 1, 2, 3", stop_plus_in_sync_s=",".join(steps), **counts)
