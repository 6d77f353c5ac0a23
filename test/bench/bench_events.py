#!/usr/bin/env python3
"""Helper of test/bench/bench_events.sh (stdlib only; run it through that script).

  bench_events.py relay   --rows N --keys K --topic T
      Stops todod, inserts N outbox rows straight into PostgreSQL (payloads of
      ~600 bytes, K partition keys, event_type task-updated, unique event ids;
      each a valid task event of a throw-away user, so the activity consumer
      accepts them when T is task-events), starts todod and times, by polling
      GET api/ops/outbox, how long until the backlog is 0.
      For T = task-events it also waits until the consumer has recorded all N
      activity entries (the whole pipeline: relay -> Kafka -> daprd -> consumer).

  bench_events.py latency --rate R --seconds S
      Writes (1 create : 4 updates) at a fixed rate of R/s for S s through
      daprd from a few threads with keep-alive connections, waits until every
      answered write has its activity entry, and reports the commit-to-consumer
      latency of each event, activity_logs.recorded_at - occurred_at (both from
      PostgreSQL; occurred_at is set by the app in the write's transaction),
      as p50/p99/max, and the achieved write rate.

  bench_events.py throughput --rate R --seconds S
      The same load for a long run (the 1,000 writes/s for 10 minutes of
      README "Kafka, three brokers"), sampling every second: the outbox
      backlog (rows not yet published), the consumer lag (writes answered
      200 minus activity entries recorded) and the CPU of each Kafka node,
      daprd and todod (from /proc, pids from $TODOD_WORK/*.pid). Reports the
      commit-to-consumer latency as in `latency`, lag p50/p99/max and CPU.

Each prints one `RESULT key=value ...` line (and progress on stderr).
"""
import argparse
import http.client
import json
import os
import pathlib
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test/e2e"))
from conftest import mint  # noqa: E402  (the e2e tests' HS256 token minting)

DAPR_HTTP_PORT = int(os.environ.get("DAPR_HTTP_PORT", "3500"))
BASE = f"http://127.0.0.1:{DAPR_HTTP_PORT}/v1.0/invoke/todod/method/"
DB = os.environ.get("BENCH_DATABASE_URL", "postgres://todod:todod@127.0.0.1:55432/todod")
SECRET = json.load(open(ROOT / "components/local/dev-secrets.json"))["jwt-secret"]
WORK = os.environ.get("TODOD_WORK", "/tmp/todod-work")


def say(*a):
    print(*a, file=sys.stderr, flush=True)


def psql(query, **params):
    cmd = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", DB]
    for k, v in params.items():
        cmd += ["-v", f"{k}={v}"]
    p = subprocess.run(cmd, input=query, capture_output=True, text=True, check=False)
    if p.returncode:
        sys.exit(f"psql: {p.stderr}")
    return [line.split("\t") for line in p.stdout.splitlines() if line]


def get_json(path, timeout=5):
    with urllib.request.urlopen(BASE + path, timeout=timeout) as r:
        return json.loads(r.read())


def outbox():
    try:
        return get_json("api/ops/outbox")
    except OSError:
        return None


def sh(cmd):
    subprocess.run(["bash", "-c", cmd], cwd=ROOT, check=True)


# ------------------------------------------------------------------ relay

# One valid task event (the shape of json/event_json.c) per row, ~600 bytes.
INSERT = r"""
INSERT INTO outbox (event_id, event_type, topic, partition_key, payload)
SELECT id, 'task-updated', :'topic', task_id::text,
       json_build_object(
         'schema_version', 1, 'event_id', id, 'event_type', 'task-updated',
         'occurred_at', ts, 'user_id', :'u', 'task_id', task_id, 'task_version', version,
         'actor', json_build_object('type', 'user', 'id', :'u'),
         'task', json_build_object('id', task_id, 'user_id', :'u',
                   'title', 'bench ' || task_id || ' v' || version,
                   'description', 'relay benchmark',
                   'completed', false, 'version', version,
                   'created_at', ts, 'updated_at', ts),
         'changes', json_build_object('title', json_build_object(
                   'old', 'bench ' || task_id || ' v' || (version - 1),
                   'new', 'bench ' || task_id || ' v' || version))
       )::text
FROM (SELECT gen_random_uuid() AS id, 900000000 + g % :keys AS task_id, 2 + g / :keys AS version,
             to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts, g
      FROM generate_series(0, :rows - 1) g) s
ORDER BY g;
"""


def relay(args):
    user = f"bench-relay-{int(time.time())}"
    if args.topic != "task-events":
        # A topic nobody subscribes to; make Kafka create it before the clock starts.
        req = urllib.request.Request(
            f"http://127.0.0.1:{DAPR_HTTP_PORT}/v1.0/publish/pubsub/{args.topic}",
            data=b'{"warm-up":true}', headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(req, timeout=30).read()
    say(f"relay: stopping todod, inserting {args.rows} rows ({args.keys} keys) for {args.topic}")
    sh(f'source scripts/lib.sh && stop_pidfile "{WORK}/todod.pid" 15')
    t = time.monotonic()
    psql(INSERT, topic=args.topic, u=user, keys=args.keys, rows=args.rows)
    psql("VACUUM ANALYZE outbox")
    (n, avg_len), = psql("SELECT count(*), avg(length(payload))::int FROM outbox")
    say(f"relay: outbox holds {n} rows (avg payload {avg_len} bytes), inserted in {time.monotonic() - t:.1f}s")

    env = dict(os.environ, TODOD_PROFILE="kafka", TODOD_DIAGNOSTICS=os.environ.get("TODOD_DIAGNOSTICS", "1"))
    # The benchmark's rows are counted straight from PostgreSQL (one psql session, every 20 ms), so
    # the clock can start when the relay's first round commits, before todod answers through daprd;
    # GET api/ops/outbox is polled too, for when it reports backlog 0 (for task-events that includes
    # the consumer's own activity-log-created rows, so it comes later).
    counter = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", DB], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, bufsize=1)

    def count():
        counter.stdin.write(f"SELECT count(*) FROM outbox WHERE topic = '{args.topic}';\n")
        return int(counter.stdout.readline())

    t_launch = time.monotonic()
    starter = subprocess.Popen([str(ROOT / "scripts/stack.sh"), "restart-todod"], cwd=ROOT, env=env,
                               stdout=sys.stderr, stderr=sys.stderr)
    rows = int(n)
    samples = []            # (s since launch, rows left) from the database
    t_api_zero = None
    while True:
        left = count()
        now = time.monotonic()
        samples.append((now - t_launch, left))
        if left == 0:
            break
        if starter.poll() not in (None, 0):
            sys.exit("relay: scripts/stack.sh restart-todod failed")
        if now - t_launch > args.deadline:
            sys.exit(f"relay: {left} rows left after {args.deadline}s")
        time.sleep(0.02)
    t_db_zero = samples[-1][0]
    while t_api_zero is None:
        o = outbox()
        if o is not None and o["backlog"] == 0:
            t_api_zero = time.monotonic() - t_launch
        elif time.monotonic() - t_launch > args.deadline:
            sys.exit("relay: GET api/ops/outbox never reported backlog 0")
        else:
            time.sleep(0.05)
    starter.wait()
    counter.stdin.close()
    counter.wait()
    o = outbox()
    t_first = next(t for t, left in samples if left < rows)          # the relay's first round committed
    span = t_db_zero - t_first
    lo = next(t for t, left in samples if left <= rows * 0.9)
    hi = next(t for t, left in samples if left <= rows * 0.1)
    result = dict(topic=args.topic, rows=rows, payload_bytes=avg_len, keys=args.keys,
                  first_round_s=f"{t_first:.2f}", drained_s=f"{t_db_zero:.2f}",
                  api_reports_0_s=f"{t_api_zero:.2f}", drain_s=f"{span:.2f}",
                  events_per_s=f"{rows / span:.0f}", events_per_s_10_90=f"{rows * 0.8 / (hi - lo):.0f}",
                  relay_published=o and o["published"], relay_failed=o and o["failed"])
    if args.topic == "task-events":
        t0 = time.monotonic()
        while True:
            (c, first, last), = psql("SELECT count(*), min(recorded_at), max(recorded_at) FROM activity_logs "
                                     "WHERE user_id = :'u'", u=user)
            if int(c) >= rows:
                break
            if time.monotonic() - t0 > args.deadline:
                sys.exit(f"relay: only {c} of {rows} activity entries after {args.deadline}s")
            time.sleep(0.5)
        (span,), = psql("SELECT extract(epoch FROM max(recorded_at) - min(recorded_at)) FROM activity_logs "
                        "WHERE user_id = :'u'", u=user)
        # Wait for the consumer's own activity-log-created events to leave the outbox too.
        while (o := outbox()) is None or o["backlog"] > 0:
            time.sleep(0.2)
        result.update(consumed=c, consumer_span_s=f"{float(span):.2f}",
                      consumed_per_s=f"{rows / float(span):.0f}",
                      pipeline_s=f"{time.monotonic() - t_launch - t_first:.2f}")
        psql("DELETE FROM activity_logs WHERE user_id = :'u'", u=user)
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()), flush=True)
    if ok < len(results):
        # A refused write (429: rate limit, paused writes) makes the achieved rate a different
        # experiment: the figures above are not the requested load's.
        codes = {}
        for r in results:
            codes[r[0]] = codes.get(r[0], 0) + 1
        sys.exit(f"latency: {len(results) - ok} of {len(results)} writes were not answered 200 "
                 f"(statuses {codes}); start the stack with TODOD_RATE_LIMIT_RPS=0 TODOD_MAX_EVENT_LAG_MS=0")


# ------------------------------------------------------------------ latency

class Conn:
    """One keep-alive HTTP connection to daprd."""

    def __init__(self):
        self.c = http.client.HTTPConnection("127.0.0.1", DAPR_HTTP_PORT, timeout=10)

    def call(self, verb, path, body, token):
        data = json.dumps(body).encode()
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        for attempt in (1, 2):
            try:
                self.c.request(verb, "/v1.0/invoke/todod/method/" + path, data, headers)
                r = self.c.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                self.c.close()
                self.c = http.client.HTTPConnection("127.0.0.1", DAPR_HTTP_PORT, timeout=10)
                if attempt == 2:
                    return 0, b""


def latency(args):
    # The writes go to --users users in turn (user k takes writes k, k + U, ...): one user's writes
    # are serialised by design (each takes the next cursor of that user's change feed under a row
    # lock), so a single user at 500 writes/s measures that lock, not the pipeline.
    base = f"bench-lat-{args.label}-{int(time.time())}"
    users = [base] if args.users == 1 else [f"{base}-u{k}" for k in range(args.users)]
    like = base + "%"        # every user of this run (the timestamp has a fixed width)
    tokens = [mint(SECRET, u, exp_in=3600) for u in users]
    conn = Conn()
    tasks = [[] for _ in users]
    for i in range(max(args.tasks, args.users)):
        k = i % len(users)
        st, body = conn.call("POST", f"api/{users[k]}/tasks", {"title": f"warm-up {i}"}, tokens[k])
        assert st == 200, (st, body)
        tasks[k].append(json.loads(body)["id"])
    warm = sum(len(t) for t in tasks)
    # The warm-up's events must be through before the clock starts.
    t0 = time.monotonic()
    while int(psql("SELECT count(*) FROM activity_logs WHERE user_id LIKE :'p'", p=like)[0][0]) < warm:
        if time.monotonic() - t0 > 120:
            sys.exit("latency: warm-up events did not arrive")
        time.sleep(0.2)
    (start_ts,), = psql("SELECT clock_timestamp()")

    total = int(args.rate * args.seconds)
    interval = 1.0 / args.rate
    lock = threading.Lock()
    next_slot = [0]
    results = []          # (status, client latency s, lateness s)
    t_start = time.monotonic() + 0.2
    sampler = Sampler(like, start_ts, results, lock) if args.cmd == "throughput" else None

    def worker(k):
        c = Conn()
        mine = results if sampler else []     # the sampler counts answers as they come
        while True:
            with lock:
                i = next_slot[0]
                next_slot[0] += 1
            if i >= total:
                break
            due = t_start + i * interval
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            t = time.monotonic()
            k = i % len(users)
            if (i // len(users)) % 5 == 0:
                st, _ = c.call("POST", f"api/{users[k]}/tasks", {"title": f"bench {i}", "description": "latency"},
                               tokens[k])
            else:
                mine_t = tasks[k]
                tid = mine_t[(i * 7919) % len(mine_t)]
                st, _ = c.call("PUT", f"api/{users[k]}/tasks/{tid}", {"title": f"bench {i}"}, tokens[k])
            r = (st, time.monotonic() - t, t - due)
            if sampler:
                with lock:
                    mine.append(r)
                    sampler.ok += st == 200
            else:
                mine.append(r)
        if not sampler:
            with lock:
                results.extend(mine)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(args.threads)]
    if sampler:
        sampler.start()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.monotonic() - t_start
    if sampler:
        sampler.stop()
    ok = sum(1 for r in results if r[0] == 200)
    say(f"latency[{args.label}]: {ok}/{len(results)} writes answered 200 in {wall:.1f}s; waiting for the consumer")
    t0 = time.monotonic()
    while True:
        (c,), = psql("SELECT count(*) FROM activity_logs WHERE user_id LIKE :'p' AND occurred_at >= :'t'",
                     p=like, t=start_ts)
        if int(c) >= ok:
            break
        if time.monotonic() - t0 > 180:
            if not sampler:
                sys.exit(f"latency: only {c} of {ok} activity entries after 180s")
            say(f"throughput: only {c} of {ok} activity entries 180s after the load; reporting what arrived")
            break
        time.sleep(0.5)
    catch_up_s = time.monotonic() - t0
    row, = psql("""
        SELECT count(*),
               round((percentile_cont(0.50) WITHIN GROUP (ORDER BY ms))::numeric, 1),
               round((percentile_cont(0.90) WITHIN GROUP (ORDER BY ms))::numeric, 1),
               round((percentile_cont(0.99) WITHIN GROUP (ORDER BY ms))::numeric, 1),
               round(max(ms)::numeric, 1),
               round((count(*) / extract(epoch FROM max(occurred_at) - min(occurred_at)))::numeric, 1)
        FROM (SELECT extract(epoch FROM recorded_at - occurred_at) * 1000 AS ms, occurred_at
              FROM activity_logs WHERE user_id LIKE :'p' AND occurred_at >= :'t') s""", p=like, t=start_ts)
    lat = sorted(r[1] for r in results)
    late = sorted(r[2] for r in results)
    pct = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))] * 1000
    result = dict(profile=args.label, users=args.users, target_rate=args.rate, seconds=args.seconds, writes=len(results),
                  http_200=ok, achieved_rate=f"{ok / wall:.1f}", commit_rate_db=row[5],
                  events=row[0], e2e_p50_ms=row[1], e2e_p90_ms=row[2], e2e_p99_ms=row[3], e2e_max_ms=row[4],
                  http_p50_ms=f"{pct(lat, 0.5):.1f}", http_p99_ms=f"{pct(lat, 0.99):.1f}",
                  send_late_p99_ms=f"{pct(late, 0.99):.1f}", loadavg=open("/proc/loadavg").read().split()[0],
                  user=base)
    if sampler:
        result.update(sampler.summary(wall))
        result.update(recorded_after_load=c, catch_up_s=f"{catch_up_s:.1f}")
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()), flush=True)
    if ok < len(results):
        # A refused write (429: rate limit, paused writes) makes the achieved rate a different
        # experiment: the figures above are not the requested load's.
        codes = {}
        for r in results:
            codes[r[0]] = codes.get(r[0], 0) + 1
        sys.exit(f"latency: {len(results) - ok} of {len(results)} writes were not answered 200 "
                 f"(statuses {codes}); start the stack with TODOD_RATE_LIMIT_RPS=0 TODOD_MAX_EVENT_LAG_MS=0")


class Sampler(threading.Thread):
    """Once a second during a throughput run: outbox backlog, consumer lag
    (writes answered 200 so far minus activity entries of the run's user) and
    the CPU time of our processes (Kafka nodes, daprd, todod)."""

    NAMES = ("kafka3-1", "kafka3-2", "kafka3-3", "kafka", "daprd", "todod")

    def __init__(self, user, start_ts, results, lock):
        super().__init__(daemon=True)
        self.user, self.start_ts, self.results, self.lock = user, start_ts, results, lock
        self.samples = []          # (t, backlog, lag)
        self.ok = 0                # writes answered 200 so far (the workers count them)
        self._halt = threading.Event()
        self.pids = {}
        for n in self.NAMES:
            try:
                pid = int(open(f"{WORK}/{n}.pid").read().strip())
                os.kill(pid, 0)
                self.pids[n] = pid
            except (OSError, ValueError):
                pass
        self.cpu0 = {n: self.cpu(p) for n, p in self.pids.items()}
        self.t0 = time.monotonic()
        self.db = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-F", " ", DB], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, bufsize=1)

    @staticmethod
    def cpu(pid):
        """utime + stime of @pid in seconds (0 if it is gone)."""
        try:
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return 0.0

    def run(self):
        while not self._halt.wait(1.0):
            self.db.stdin.write("SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM activity_logs "
                                f"WHERE user_id LIKE '{self.user}' AND occurred_at >= '{self.start_ts}');\n")
            backlog, recorded = (int(x) for x in self.db.stdout.readline().split())
            with self.lock:
                ok = self.ok
            self.samples.append((time.monotonic() - self.t0, backlog, max(0, ok - recorded)))
            if len(self.samples) % 30 == 0:
                say(f"throughput: {self.samples[-1][0]:.0f}s backlog={backlog} lag={ok - recorded} writes_200={ok}")

    def stop(self):
        self._halt.set()
        self.join()
        self.wall = time.monotonic() - self.t0
        self.cpu1 = {n: self.cpu(p) for n, p in self.pids.items()}
        self.db.stdin.close()
        self.db.wait()

    def summary(self, wall):
        pct = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] if xs else 0
        backlog = [b for _, b, _ in self.samples]
        lag = [x for _, _, x in self.samples]
        # Lag of the last minute against the first minute: bounded means it does not grow.
        first = lag[:60] or [0]
        last = lag[-60:] or [0]
        out = dict(lag_p50=pct(lag, 0.5), lag_p99=pct(lag, 0.99), lag_max=max(lag or [0]),
                   lag_first_min_avg=f"{sum(first) / len(first):.0f}", lag_last_min_avg=f"{sum(last) / len(last):.0f}",
                   backlog_p50=pct(backlog, 0.5), backlog_p99=pct(backlog, 0.99), backlog_max=max(backlog or [0]),
                   loadavg=open("/proc/loadavg").read().split()[0])
        for n in self.pids:
            out[f"cpu_{n.replace('-', '_')}_pct"] = f"{100 * (self.cpu1[n] - self.cpu0[n]) / self.wall:.0f}"
        return out


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("relay")
    r.add_argument("--rows", type=int, default=50000)
    r.add_argument("--keys", type=int, default=10000)
    r.add_argument("--topic", default="bench-events")
    r.add_argument("--deadline", type=float, default=600)
    la = sub.add_parser("latency")
    la.add_argument("--rate", type=float, default=500)
    la.add_argument("--seconds", type=float, default=30)
    la.add_argument("--threads", type=int, default=16)
    la.add_argument("--tasks", type=int, default=200)
    la.add_argument("--label", default="kafka")
    la.add_argument("--users", type=int, default=1)
    th = sub.add_parser("throughput")
    th.add_argument("--rate", type=float, default=1000)
    th.add_argument("--seconds", type=float, default=600)
    th.add_argument("--threads", type=int, default=32)
    th.add_argument("--tasks", type=int, default=400)
    th.add_argument("--label", default="kafka3")
    th.add_argument("--users", type=int, default=1)
    args = ap.parse_args()
    {"relay": relay, "latency": latency, "throughput": latency}[args.cmd](args)


if __name__ == "__main__":
    main()
