#!/usr/bin/env python3
"""Real-time fan-out benchmark (issue 11; outside the test suite, kafka profile, its own stack):

  test/bench/bench_realtime.py [--sockets 1000] [--per-user 2] [--rate 500] [--seconds 20]

Opens --sockets WebSockets to todod's /realtime (the `websockets` package, asyncio client, one
process) for sockets/per-user users, each with a ticket through daprd, subscribed; then writes
--rate task updates per second for --seconds through daprd's HTTP port (a separate writer
process: keep-alive connections and a fixed schedule, the load generator of bench_events.py;
each write is a PUT of one user's task, the users taken in turn). Each write reaches the
per-user sockets of its user. Reports:
  - commit -> client latency p50/p99/max: the client's clock at receipt minus the event's
    occurred_at (set by todod in the write's transaction; one machine, one clock);
  - lost / duplicated events: per socket, the cursors received must be exactly those of the
    user's writes that answered 200 (every socket subscribed before the first write);
  - memory per connection: todod's RSS after the sockets opened minus before, over the sockets;
  - CPU of todod and daprd over the write window (% of one core), the load average.
The client shares the 2-core machine with the stack, so its own scheduling delay is part of
the latency figures.

Stack: if daprd does not answer on $DAPR_HTTP_PORT, the script starts one on the kafka profile
(scripts/stack.sh up, TODOD_PROFILE=kafka) with RLIMIT_NOFILE raised to its hard limit (todod
inherits it: each socket is a descriptor; 5,000 sockets need ulimit -n above ~5,200) and
TODOD_RT_MAX_CONNECTIONS above --sockets, and stops it at the end. A running stack is used as it is
(its todod's open-files limit is checked). Ports and $TODOD_WORK come from the environment as
for scripts/stack.sh. Prints progress on stderr and one `RESULT key=value ...` line.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import pathlib
import resource
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from websockets.asyncio.client import connect

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test/bench"))
from bench_events import DAPR_HTTP_PORT, SECRET, WORK, Conn, Sampler, mint, say  # noqa: E402

HTTP_PORT = int(os.environ.get("TODOD_HTTP_PORT", "8080"))


def pid_of(name):
    try:
        pid = int(open(f"{WORK}/{name}.pid").read().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def stack_answers():
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{DAPR_HTTP_PORT}/v1.0/invoke/todod/method/api/version",
                                    timeout=3) as r:
            return r.status == 200
    except OSError:
        return False


def stack(action, sockets):
    env = dict(os.environ, TODOD_PROFILE="kafka")
    env.setdefault("TODOD_RT_MAX_CONNECTIONS", str(max(10000, sockets + 100)))
    env.setdefault("TODOD_RT_MAX_PER_USER", "20")
    subprocess.run([str(ROOT / "scripts/stack.sh"), action], cwd=ROOT, env=env, check=True,
                   stdout=sys.stderr)


def open_files_limit(pid):
    for line in open(f"/proc/{pid}/limits"):
        if line.startswith("Max open files"):
            return int(line.split()[3])
    return 0


# ------------------------------------------------------------------ set-up through daprd

def setup_users(users, threads=8):
    """One task per user; returns {user: task id}. Also the users' tokens."""
    tokens = {u: mint(SECRET, u, exp_in=7200) for u in users}
    local = threading.local()

    def create(u):
        c = getattr(local, "c", None) or Conn()
        local.c = c
        st, body = c.call("POST", f"api/{u}/tasks", {"title": "bench"}, tokens[u])
        assert st == 200, (st, body)
        return u, json.loads(body)["id"]
    with ThreadPoolExecutor(threads) as pool:
        return dict(pool.map(create, users)), tokens


def tickets(pairs, tokens, threads=8):
    """A ticket for each (socket index, user), through daprd."""
    local = threading.local()

    def one(u):
        c = getattr(local, "c", None) or Conn()
        local.c = c
        st, body = c.call("POST", f"api/{u}/realtime/tickets", {}, tokens[u])
        assert st in (200, 201), (st, body)
        return json.loads(body)["ticket"]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, [u for _, u in pairs]))


# ------------------------------------------------------------------ the writer process

def writer(users, task_of, tokens, rate, seconds, t_start, out, threads=16):
    """PUT one task per write at @rate/s from @t_start (wall clock) for @seconds; sends back
    [(user, status)] in write order through @out."""
    total = int(rate * seconds)
    lock = threading.Lock()
    nxt = [0]
    results = [None] * total

    def work():
        c = Conn()
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= total:
                return
            delay = t_start + i / rate - time.time()
            if delay > 0:
                time.sleep(delay)
            u = users[i % len(users)]
            st, _ = c.call("PUT", f"api/{u}/tasks/{task_of[u]}", {"title": f"b {i}"}, tokens[u])
            results[i] = (u, st)
    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.send((results, time.time() - t_start))


# ------------------------------------------------------------------ the sockets

class Sock:
    __slots__ = ("user", "ws", "cursors", "start")

    def __init__(self, user):
        self.user, self.ws, self.cursors, self.start = user, None, [], None


async def open_all(socks, tix, conc=100):
    sem = asyncio.Semaphore(conc)

    async def one(s, t):
        async with sem:
            s.ws = await connect(f"ws://127.0.0.1:{HTTP_PORT}/realtime?ticket={t}", compression=None,
                                 open_timeout=60, ping_interval=None, max_queue=None)
            await s.ws.send('{"type":"subscribe"}')
            m = json.loads(await s.ws.recv())
            assert m["type"] == "subscribed", m
            s.start = m["cursor"]
    await asyncio.gather(*(one(s, t) for s, t in zip(socks, tix)))


async def read(s, lat, other):
    try:
        async for raw in s.ws:
            now = time.time()
            m = json.loads(raw)
            if m["type"] == "event":
                s.cursors.append(m["cursor"])
                lat.append(now - datetime.fromisoformat(m["occurred_at"].replace("Z", "+00:00")).timestamp())
            else:
                other.append(m)
    except Exception as e:       # a closed socket is counted by the checks below
        other.append({"type": "closed", "error": repr(e)})


def pct(xs, p):
    return xs[min(len(xs) - 1, int(p * len(xs)))] * 1000 if xs else float("nan")


async def bench(args):
    n_users = max(1, args.sockets // args.per_user)
    run = int(time.time())
    users = [f"rt{run}-{i}" for i in range(n_users)]
    say(f"realtime: {n_users} users, one task each")
    task_of, tokens = setup_users(users)
    todod, daprd = pid_of("todod"), pid_of("daprd")
    limit = open_files_limit(todod)
    if limit < args.sockets + 200:
        sys.exit(f"todod's open-files limit is {limit}: too low for {args.sockets} sockets "
                 "(restart the stack from a shell with a higher ulimit -n)")
    socks = [Sock(users[i % n_users]) for i in range(args.sockets)]
    await asyncio.sleep(1)
    rss0 = rss_kb(todod)
    t0 = time.monotonic()
    loop = asyncio.get_running_loop()
    batch = 500        # tickets live TODOD_TICKET_TTL_S (30 s): issue and use them batch by batch
    for k in range(0, len(socks), batch):
        part = socks[k:k + batch]
        tix = await loop.run_in_executor(None, tickets, [(i, s.user) for i, s in enumerate(part)], tokens)
        await open_all(part, tix)
    open_s = time.monotonic() - t0
    await asyncio.sleep(2)
    rss1 = rss_kb(todod)
    say(f"realtime: {len(socks)} sockets open in {open_s:.1f}s; todod RSS {rss0 // 1024} -> {rss1 // 1024} MiB")

    lat, other = [], []
    readers = [asyncio.create_task(read(s, lat, other)) for s in socks]
    t_start = time.time() + 1.0
    rx, tx = multiprocessing.Pipe(duplex=False)
    w = multiprocessing.Process(target=writer, args=(users, task_of, tokens, args.rate, args.seconds, t_start, tx))
    cpu0 = {p: Sampler.cpu(p) for p in (todod, daprd)}
    wall0 = time.monotonic()
    w.start()
    results, wall = await loop.run_in_executor(None, rx.recv)
    w.join()
    cpu1 = {p: Sampler.cpu(p) for p in (todod, daprd)}
    cpu_wall = time.monotonic() - wall0
    rss2 = rss_kb(todod)
    ok = [u for u, st in results if st == 200]
    per_user = {}
    for u in ok:
        per_user[u] = per_user.get(u, 0) + 1
    expected = sum(per_user.get(s.user, 0) for s in socks)
    say(f"realtime: {len(ok)}/{len(results)} writes answered 200 in {wall:.1f}s; {expected} deliveries expected")
    deadline = time.monotonic() + 30
    while sum(len(s.cursors) for s in socks) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    for s in socks:
        await s.ws.close()
    await asyncio.gather(*readers)

    lost = dup = 0
    for s in socks:
        want = per_user.get(s.user, 0)
        got = s.cursors
        dup += len(got) - len(set(got))
        lost += max(0, want - len(set(got)))
    closed_early = sum(1 for m in other if m["type"] == "closed")
    lat.sort()
    result = dict(sockets=len(socks), users=n_users, per_user=args.per_user, rate=args.rate, seconds=args.seconds,
                  writes_200=len(ok), achieved_rate=f"{len(ok) / wall:.0f}", deliveries=len(lat),
                  expected=expected, lost=lost, duplicated=dup, other_frames=len(other) - closed_early,
                  closed_early=closed_early, open_s=f"{open_s:.1f}",
                  p50_ms=f"{pct(lat, 0.5):.1f}", p99_ms=f"{pct(lat, 0.99):.1f}", max_ms=f"{pct(lat, 1):.1f}",
                  rss_before_mib=f"{rss0 / 1024:.0f}", rss_open_mib=f"{rss1 / 1024:.0f}",
                  rss_after_load_mib=f"{rss2 / 1024:.0f}",
                  kib_per_socket=f"{(rss1 - rss0) / len(socks):.1f}",
                  cpu_todod_pct=f"{100 * (cpu1[todod] - cpu0[todod]) / cpu_wall:.0f}",
                  cpu_daprd_pct=f"{100 * (cpu1[daprd] - cpu0[daprd]) / cpu_wall:.0f}",
                  loadavg=open("/proc/loadavg").read().split()[0])
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sockets", type=int, default=1000)
    ap.add_argument("--per-user", type=int, default=2, help="sockets per user (devices)")
    ap.add_argument("--rate", type=float, default=500, help="writes per second through daprd")
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))   # the client's sockets; todod inherits it
    if hard < args.sockets + 500:
        sys.exit(f"ulimit -Hn is {hard}: too low for {args.sockets} sockets")
    started = not stack_answers()
    if started:
        stack("up", args.sockets)
    try:
        asyncio.run(bench(args))
    finally:
        if started:
            stack("down", args.sockets)


if __name__ == "__main__":
    main()
