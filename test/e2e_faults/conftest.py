"""Fixtures of the fault tests: the real stack on the Kafka profile, with
processes killed and stopped under load.

These tests drive the same REST API as test/e2e (its Api client, mint() and
poll() are reused from test/e2e/conftest.py), and additionally manipulate the
stack's processes through scripts/{stack,daprd,kafka}.sh and the pid files in
$TODOD_WORK, and read PostgreSQL with psql to learn which writes committed when
a client could not know (the connection broke before the answer came).

Environment (scripts/test.sh sets the first two; the rest have defaults):
  TODOD_E2E_DAPR_HTTP        daprd's HTTP API [http://127.0.0.1:3500]
  TODOD_E2E_JWT_SECRET       the dev JWT key [read from components/local/dev-secrets.json]
  TODOD_WORK                 the stack's pid files and logs [/tmp/todod-work]
  TODOD_FAULTS_DATABASE_URL  PostgreSQL [postgres://todod:todod@127.0.0.1:$PGPORT_TODOD/todod]

Every test restores what it broke in a `finally`, and the autouse fixture
`stack` checks before and after each test that the whole stack answers and the
outbox is drained, restarting whatever is down (scripts/stack.sh up is a no-op
for running parts), so one failure does not cascade into the next test.
"""
import importlib.util
import json
import os
import pathlib
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
WORK = pathlib.Path(os.environ.get("TODOD_WORK", "/tmp/todod-work"))
DATABASE_URL = os.environ.get("TODOD_FAULTS_DATABASE_URL",
                              "postgres://todod:todod@127.0.0.1:%s/todod"
                              % os.environ.get("PGPORT_TODOD", "55432"))

if "TODOD_E2E_JWT_SECRET" not in os.environ:
    with open(ROOT / "components/local/dev-secrets.json") as f:
        os.environ["TODOD_E2E_JWT_SECRET"] = json.load(f)["jwt-secret"]

# test/e2e/conftest.py under its own module name (both files are "conftest").
_spec = importlib.util.spec_from_file_location("todod_e2e_conftest", ROOT / "test/e2e/conftest.py")
_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_e2e)
Api, Response, mint, poll = _e2e.Api, _e2e.Response, _e2e.mint, _e2e.poll
dapr_http, api, user = _e2e.dapr_http, _e2e.api, _e2e.user  # fixtures, re-exported


# ---------------------------------------------------------------- processes

# DAPR_RESOURCES: scripts/daprd.sh on its own defaults to components/local (stack.sh sets it
# from TODOD_PROFILE); a daprd restarted by a test must load the Kafka components again.
# PROFILE: kafka (one Kafka node), or kafka3 for test/e2e_faults_kafka3 (scripts/test.sh sets it).
PROFILE = os.environ.get("TODOD_E2E_PROFILE", "kafka")
STACK_ENV = dict(os.environ, TODOD_PROFILE=PROFILE, TODOD_DIAGNOSTICS="1",
                 DAPR_RESOURCES=str(ROOT / f"components/{PROFILE}"))
STACK_ENV.pop("SCHEDULER_RESET", None)  # restarts here must not wipe the scheduler


def script(*args, timeout=180):
    """Run scripts/<args> with the kafka profile's environment; fail the test on error."""
    cmd = [str(SCRIPTS / args[0]), *args[1:]]
    p = subprocess.run(cmd, env=STACK_ENV, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
    return p


def pid_of(name):
    """The pid in $TODOD_WORK/<name>.pid, or None if there is none or it is not alive."""
    try:
        pid = int((WORK / f"{name}.pid").read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def kill9(name):
    """SIGKILL the process of $TODOD_WORK/<name>.pid and wait until it is gone.
    The pid file stays; the start scripts notice the dead pid and replace it."""
    pid = pid_of(name)
    assert pid, f"{name} is not running ({WORK}/{name}.pid)"
    os.kill(pid, signal.SIGKILL)
    poll(lambda: not os.path.exists(f"/proc/{pid}") or _zombie(pid), deadline_s=10,
         what=f"{name} (pid {pid}) to die")
    return pid


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# ---------------------------------------------------------------- database

def sql(query, **params):
    """Rows of @query (psql, unaligned); :'name' in the query quotes params[name]."""
    cmd = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", DATABASE_URL]
    for k, v in params.items():
        cmd += ["-v", f"{k}={v}"]
    p = subprocess.run(cmd, input=query, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        pytest.fail(f"psql failed: {p.stderr}")
    return [line.split("\t") for line in p.stdout.splitlines() if line]


def committed_changes(user_id):
    """Every change of @user_id's tasks that committed, as {(task_id, version)}:
    versions 1..version of each row of the task table. Valid for tasks that
    were never deleted (the fault bursts do not delete)."""
    rows = sql("SELECT id, version FROM tasks WHERE user_id = :'u'", u=user_id)
    return {(int(i), v) for i, ver in rows for v in range(1, int(ver) + 1)}


# ---------------------------------------------------------------- API views

def activity(api, user_id, task_id=None):
    """All of @user_id's activity entries (every page), newest first."""
    entries, cursor = [], None
    while True:
        q = "limit=200" + (f"&cursor={cursor}" if cursor else "") + (f"&task_id={task_id}" if task_id else "")
        r = api.get(f"api/{user_id}/activity-logs?{q}", user=user_id, timeout=30)
        assert r.status == 200, r
        body = r.json()
        entries += body["entries"]
        cursor = body.get("next_cursor")
        if not cursor:
            return entries


def outbox(api):
    r = api.get("api/ops/outbox", timeout=10)
    assert r.status == 200, r
    return r.json()


def try_outbox(api):
    """outbox(api), or None while the API does not answer."""
    try:
        r = api.get("api/ops/outbox", timeout=5)
        return r.json() if r.status == 200 else None
    except (OSError, urllib.error.URLError):
        return None


def app_healthy(api, dapr_http):
    """daprd answers, sees the app healthy, and a request reaches todod."""
    try:
        with urllib.request.urlopen(f"{dapr_http}/v1.0/healthz", timeout=5) as r:
            if r.status // 100 != 2:
                return False
        return api.get("api/version", timeout=5).status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_healthy(api, dapr_http, deadline_s=90):
    poll(lambda: app_healthy(api, dapr_http), deadline_s=deadline_s, interval_s=0.2,
         what="daprd and todod to answer again")


def wait_drained(api, deadline_s):
    """Poll GET api/ops/outbox until the backlog is 0; returns seconds waited."""
    t0 = time.monotonic()
    poll(lambda: (o := try_outbox(api)) is not None and o["backlog"] == 0,
         deadline_s=deadline_s, interval_s=0.25, what="the outbox backlog to drain to 0")
    return time.monotonic() - t0


def wait_activity_count(api, user_id, n, deadline_s):
    """Poll until @user_id has at least @n activity entries; return them."""
    got = []

    def enough():
        got[:] = activity(api, user_id)
        return len(got) >= n

    try:
        poll(enough, deadline_s=deadline_s, interval_s=0.5,
             what=f"{n} activity entries for {user_id}")
    except pytest.fail.Exception:
        pytest.fail(f"only {len(got)} of {n} activity entries for {user_id} after {deadline_s}s; "
                    f"outbox {try_outbox(api)}")
    return got


# ---------------------------------------------------------------- writes

OK, REFUSED, UNKNOWN, REJECTED = "ok", "refused", "unknown", "rejected"


class Outcome:
    """One write: ok (HTTP 200: committed), refused (no connection to daprd:
    certainly not committed), rejected (an HTTP error answer) or unknown
    (the connection broke or timed out: it may have committed)."""
    __slots__ = ("kind", "verb", "task_id", "version", "status", "error", "latency")

    def __init__(self, kind, verb, task_id=None, version=None, status=None, error=None, latency=0.0):
        self.kind, self.verb, self.task_id, self.version = kind, verb, task_id, version
        self.status, self.error, self.latency = status, error, latency

    def __repr__(self):
        return (f"<{self.kind} {self.verb} task={self.task_id} v={self.version} "
                f"status={self.status} {self.latency * 1000:.0f}ms {self.error or ''}>")


def write(api, user_id, verb, task_id=None, timeout=10):
    """One task write; never raises for transport errors (see Outcome)."""
    t0 = time.monotonic()
    if verb == "create":
        call = lambda: api.post(f"api/{user_id}/tasks", user=user_id, timeout=timeout,
                                body={"title": f"t {time.time():.6f}", "description": "fault test"})
    elif verb == "update":
        call = lambda: api.put(f"api/{user_id}/tasks/{task_id}", user=user_id, timeout=timeout,
                               body={"title": f"u {time.time():.6f}"})
    elif verb == "toggle":
        call = lambda: api.patch(f"api/{user_id}/tasks/{task_id}/complete", user=user_id, timeout=timeout)
    elif verb == "delete":
        call = lambda: api.delete(f"api/{user_id}/tasks/{task_id}", user=user_id, timeout=timeout)
    else:
        raise ValueError(verb)
    try:
        r = call()
    except urllib.error.URLError as e:
        kind = REFUSED if isinstance(e.reason, ConnectionRefusedError) else UNKNOWN
        return Outcome(kind, verb, task_id, error=repr(e.reason), latency=time.monotonic() - t0)
    except ConnectionRefusedError as e:
        return Outcome(REFUSED, verb, task_id, error=repr(e), latency=time.monotonic() - t0)
    except OSError as e:  # reset, broken pipe, timeout, truncated answer...
        return Outcome(UNKNOWN, verb, task_id, error=repr(e), latency=time.monotonic() - t0)
    except Exception as e:  # http.client.RemoteDisconnected etc. are OSErrors; anything else too
        return Outcome(UNKNOWN, verb, task_id, error=repr(e), latency=time.monotonic() - t0)
    dt = time.monotonic() - t0
    if r.status != 200:
        # daprd answers 500 when the app call broke mid-way: the outcome is unknown then.
        # 429: refused before anything happened (rate limit, full work queue, or
        # writes paused while events lag): certainly not committed.
        kind = REJECTED if r.status in (400, 404, 409, 429) else UNKNOWN
        return Outcome(kind, verb, task_id, status=r.status, error=r.body[:200], latency=dt)
    body = r.json()
    if verb == "delete":
        return Outcome(OK, verb, task_id, status=200, latency=dt)
    return Outcome(OK, verb, body["id"], body["version"], status=200, latency=dt)


class Burst:
    """Writes from a thread pool until stopped: each thread owns its own tasks
    (created up front), updates and toggles them and now and then creates a
    new one. No deletes, so the task table tells every committed change
    (see committed_changes). A failed write is followed by a short pause so
    that a dead daprd does not turn the threads into a busy loop."""

    def __init__(self, api, user_id, threads=8, tasks_per_thread=3, timeout=10):
        self.api, self.user, self.threads, self.timeout = api, user_id, threads, timeout
        self.outcomes = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pool = None
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
        while not self._stop.is_set():
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
            if o.kind != OK:
                time.sleep(0.02)

    def start(self):
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="burst")
        self._futures = [self._pool.submit(self._run, i) for i in range(self.threads)]
        return self

    def stop(self):
        self._stop.set()
        for f in self._futures:
            f.result()
        self._pool.shutdown()

    def count(self, kind):
        with self._lock:
            return sum(1 for o in self.outcomes if o.kind == kind)

    def summary(self):
        with self._lock:
            kinds = {}
            for o in self.outcomes:
                kinds[o.kind] = kinds.get(o.kind, 0) + 1
            return kinds


def assert_exactly_once(api, user_id, burst, deadline_s):
    """Every committed change of @user_id appears exactly once in the activity
    log, and nothing else does. Committed = the task table (which includes the
    writes of unknown outcome that did commit); every HTTP 200 must be in it."""
    committed = committed_changes(user_id)
    ok = {(o.task_id, o.version) for o in burst.outcomes if o.kind == OK}
    unknown = burst.count(UNKNOWN)
    assert ok <= committed, f"answered 200 but not in the task table: {sorted(ok - committed)[:10]}"
    # Each write of unknown outcome committed at most one change.
    assert len(committed) - len(ok) <= unknown, (len(committed), len(ok), unknown)
    entries = wait_activity_count(api, user_id, len(committed), deadline_s)
    pairs = [(e["task_id"], e["task_version"]) for e in entries]
    assert len(entries) == len(committed), (
        f"{len(entries)} activity entries for {len(committed)} committed changes; "
        f"duplicates {sorted(p for p in set(pairs) if pairs.count(p) > 1)[:10]}, "
        f"extra {sorted(set(pairs) - committed)[:10]}")
    assert set(pairs) == committed, (sorted(committed - set(pairs))[:10], sorted(set(pairs) - committed)[:10])
    assert len({e["event_id"] for e in entries}) == len(entries), "event ids are not unique"
    return len(committed), len(ok), unknown


# ---------------------------------------------------------------- the stack

def ensure_stack():
    """Start whatever part of the stack is down (no-op for running parts)."""
    script("stack.sh", "up", timeout=300)


def pubsub_type(dapr_http):
    with urllib.request.urlopen(f"{dapr_http}/v1.0/metadata", timeout=10) as r:
        components = json.loads(r.read()).get("components", [])
    return {c["name"]: c["type"] for c in components}.get("pubsub")


@pytest.fixture(autouse=True)
def stack(api, dapr_http):
    """Before and after each test: the whole stack up on the Kafka profile,
    healthy, outbox drained."""
    ensure_stack()
    wait_healthy(api, dapr_http)
    assert pubsub_type(dapr_http) == "pubsub.kafka", "daprd is not on the kafka profile"
    wait_drained(api, deadline_s=120)
    yield
    ensure_stack()
    wait_healthy(api, dapr_http)
    assert pubsub_type(dapr_http) == "pubsub.kafka", "daprd is not on the kafka profile"
    wait_drained(api, deadline_s=180)
