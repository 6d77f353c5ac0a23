"""Fixtures of the three-broker fault tests (profile kafka3: scripts/kafka.sh
with three KRaft nodes, replication factor 3, min.insync.replicas 2, Dapr
publishing with producerRequiredAcks all).

Everything of test/e2e_faults/conftest.py is reused (the stack fixture that
brings the stack up and waits for a drained outbox around each test, kill9,
sql, assert_exactly_once...); this file adds:

  * the brokers: kafka(...) runs scripts/kafka.sh on this stack, node pids are
    $TODOD_WORK/kafka3-N.pid, and `cluster` (autouse) makes sure before and
    after each test that all three nodes run and every partition is fully in
    sync (KafkaAdmin wait-isr), so a test starts from a healthy cluster;
  * SteadyLoad: writes at a fixed rate through daprd during the fault;
  * an outbox ledger: a trigger (test scaffolding, dropped at the end) copies
    the event id of every task-events row inserted into the outbox, so the
    activity log can be checked against the outbox by event id, not only by
    (task, version).

Environment: that of test/e2e_faults (TODOD_E2E_PROFILE=kafka3, TODOD_WORK,
PGPORT_TODOD, KAFKA3_PORTS...), set by scripts/test.sh.
"""
import importlib.util
import pathlib
import subprocess
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# test/e2e_faults/conftest.py under its own module name (both files are "conftest").
_spec = importlib.util.spec_from_file_location("todod_faults_conftest", ROOT / "test/e2e_faults/conftest.py")
_f = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_f)
(OK, REFUSED, UNKNOWN, Outcome, activity, assert_exactly_once, ensure_stack, kill9, outbox, pid_of, poll,
 script, sql, try_outbox, wait_activity_count, wait_drained, wait_healthy, write, WORK, PROFILE) = (
    _f.OK, _f.REFUSED, _f.UNKNOWN, _f.Outcome, _f.activity, _f.assert_exactly_once, _f.ensure_stack, _f.kill9,
    _f.outbox, _f.pid_of, _f.poll, _f.script, _f.sql, _f.try_outbox, _f.wait_activity_count, _f.wait_drained,
    _f.wait_healthy, _f.write, _f.WORK, _f.PROFILE)
dapr_http, api, user, stack = _f.dapr_http, _f.api, _f.user, _f.stack  # fixtures, re-exported

NODES = (1, 2, 3)


# ---------------------------------------------------------------- brokers

def kafka(*args, timeout=240):
    """scripts/kafka.sh ARGS on this stack's three-node layout; stdout."""
    return script("kafka.sh", *args, timeout=timeout).stdout


def node_running(n):
    return pid_of(f"kafka3-{n}") is not None


def kill9_node(n):
    return kill9(f"kafka3-{n}")


def describe(topic="task-events", out=None):
    """{partition: (leader or None, [replicas], [isr], end_offset)} of @topic
    (end_offset -1 when its leader did not answer); @out: that command's output."""
    text = out if out is not None else kafka("admin", "describe", topic)
    out = {}
    for line in text.splitlines():
        f = line.split()
        kv = dict(x.split("=", 1) for x in f[2:])
        out[int(f[1])] = (None if kv["leader"] == "none" else int(kv["leader"]),
                          [int(x) for x in kv["replicas"].split(",") if x],
                          [int(x) for x in kv["isr"].split(",") if x], int(kv["end_offset"]))
    return out


def try_describe(topic="task-events"):
    """describe(@topic), or None while the cluster cannot answer (a fail-over in progress)."""
    cmd = [str(ROOT / "scripts/kafka.sh"), "admin", "describe", topic]
    p = subprocess.run(cmd, env=_f.STACK_ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return None
    return describe(topic, out=p.stdout)


def busiest(topic="task-events"):
    """(partition, leader, end_offset) of @topic's partition with the most messages."""
    p, leader, end = kafka("admin", "busiest", topic).split()
    return int(p), int(leader), int(end)


def wait_isr(seconds=120):
    kafka("admin", "wait-isr", str(seconds), timeout=seconds + 60)


@pytest.fixture(autouse=True)
def cluster(stack):
    """Around each test: all three nodes running, every partition led and in sync."""
    assert PROFILE == "kafka3", "run these tests with TODOD_E2E_PROFILE=kafka3 (scripts/test.sh faults-kafka3)"
    assert all(node_running(n) for n in NODES), "a Kafka node is down before the test"
    wait_isr()
    yield
    if not all(node_running(n) for n in NODES):
        kafka("start")                # whichever node a failed test left down (the next setup waits for sync)


# ---------------------------------------------------------------- the outbox ledger

LEDGER_SQL = """
CREATE TABLE IF NOT EXISTS faults_outbox_ledger (event_id uuid NOT NULL, topic text NOT NULL, user_id text);
CREATE OR REPLACE FUNCTION faults_outbox_ledger_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO faults_outbox_ledger VALUES (NEW.event_id, NEW.topic, NEW.payload::json ->> 'user_id');
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS faults_outbox_ledger ON outbox;
CREATE TRIGGER faults_outbox_ledger AFTER INSERT ON outbox FOR EACH ROW
    WHEN (NEW.topic = 'task-events') EXECUTE FUNCTION faults_outbox_ledger_add();
"""
LEDGER_DROP_SQL = """
DROP TRIGGER IF EXISTS faults_outbox_ledger ON outbox;
DROP FUNCTION IF EXISTS faults_outbox_ledger_add();
DROP TABLE IF EXISTS faults_outbox_ledger;
"""


@pytest.fixture(scope="session", autouse=True)
def outbox_ledger():
    """Test scaffolding in the stack's database, removed after the session."""
    sql(LEDGER_DROP_SQL + LEDGER_SQL)
    yield
    sql(LEDGER_DROP_SQL)


def assert_against_outbox(api, user_id, load, deadline_s):
    """assert_exactly_once (every committed change of @user_id exactly once in
    the activity log, by (task, version)), and then by event id: the set of
    task-events event ids the outbox ever held for @user_id equals the set of
    activity entries' event ids, with no id twice. Returns the counts."""
    committed, ok, unknown = assert_exactly_once(api, user_id, load, deadline_s)
    ledger = [r[0] for r in sql("SELECT event_id FROM faults_outbox_ledger WHERE user_id = :'u'", u=user_id)]
    entries = activity(api, user_id)
    ids = [e["event_id"] for e in entries]
    lost = set(ledger) - set(ids)
    duplicated = len(ids) - len(set(ids))
    extra = set(ids) - set(ledger)
    assert len(ledger) == len(set(ledger)) == committed, (len(ledger), len(set(ledger)), committed)
    assert not lost, f"{len(lost)} events in the outbox never reached the activity log: {sorted(lost)[:5]}"
    assert duplicated == 0, f"{duplicated} duplicated activity entries"
    assert not extra, f"{len(extra)} activity entries for events the outbox never held: {sorted(extra)[:5]}"
    return dict(outbox_events=len(ledger), activity_entries=len(entries), lost=len(lost),
                duplicated=duplicated, http_200=ok, unknown_outcome=unknown)


# ---------------------------------------------------------------- a steady write load

class SteadyLoad:
    """Writes at a fixed total rate (@rate per second) through daprd from
    @threads threads, each on its own tasks: updates and completes/reopens, and
    every tenth write a new task; no deletes, so the task table tells every
    committed change (assert_exactly_once). Keeps each write's Outcome; the
    API writes only to PostgreSQL (the outbox), so Kafka faults must not make
    them fail."""

    def __init__(self, api, user_id, rate=40, threads=4, tasks_per_thread=4, timeout=10):
        self.api, self.user, self.rate, self.threads, self.timeout = api, user_id, rate, threads, timeout
        self.outcomes = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._owned = []
        for _ in range(threads):
            mine = []
            for _ in range(tasks_per_thread):
                o = write(api, user_id, "create")
                assert o.kind == OK, o
                self.outcomes.append(o)
                mine.append(o.task_id)
            self._owned.append(mine)

    def _run(self, idx):
        mine, i = self._owned[idx], 0
        period = self.threads / self.rate
        t_next = time.monotonic() + idx * period / self.threads
        while not self._stop.is_set():
            delay = t_next - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
                if self._stop.is_set():
                    break
            t_next += period
            i += 1
            if i % 10 == 0:
                o = write(self.api, self.user, "create", timeout=self.timeout)
                if o.kind == OK:
                    mine.append(o.task_id)
            else:
                verb = "update" if i % 3 else "toggle"
                o = write(self.api, self.user, verb, mine[i % len(mine)], timeout=self.timeout)
            with self._lock:
                self.outcomes.append(o)

    def start(self):
        for k in range(self.threads):
            th = threading.Thread(target=self._run, args=(k,), name=f"load-{k}")
            th.start()
            self._threads.append(th)
        return self

    def stop(self):
        self._stop.set()
        for th in self._threads:
            th.join()

    def count(self, kind):
        with self._lock:
            return sum(1 for o in self.outcomes if o.kind == kind)

    def failed(self):
        with self._lock:
            return [o for o in self.outcomes if o.kind != OK]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
