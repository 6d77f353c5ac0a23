#!/usr/bin/env python3
"""Reminder benchmark: schedule N reminders due within a minute through daprd,
then measure how late each fired (sent_at - remind_at, from the database).

  python3 test/bench/bench_reminders.py --dapr http://127.0.0.1:3500 --app-id todod \
      --db postgres://todod:todod@127.0.0.1:55432/todod --secret <jwt key> [-n 10000]

Reports the scheduling rate (POST .../reminder through daprd, 16 connections),
the firing lateness p50/p99/max, and checks that every reminder fired exactly
once (status sent, one "reminder fired" transition each) and none was lost.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import subprocess
import sys
import threading
import time
import urllib.parse


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token(secret, sub):
    now = int(time.time())
    h = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    p = b64(json.dumps({"sub": sub, "iat": now, "exp": now + 3600}).encode())
    sig = hmac.new(secret.encode(), f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64(sig)}"


def psql(db, sql):
    return subprocess.run(["psql", db, "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dapr", default="http://127.0.0.1:3500")
    ap.add_argument("--app-id", default="todod")
    ap.add_argument("--db", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--window", type=int, default=60, help="reminders are due within this many seconds")
    ap.add_argument("--lead", type=int, default=20, help="seconds before the first is due")
    args = ap.parse_args()

    user = f"rbench-{int(time.time())}"
    tok = token(args.secret, user)
    u = urllib.parse.urlparse(args.dapr)
    base = f"/v1.0/invoke/{args.app_id}/method/api/{user}"
    hdr = {"Authorization": "Bearer " + tok, "Content-Type": "application/json"}

    # One task per 100 reminders keeps rows realistic without 10,000 tasks.
    conn = http.client.HTTPConnection(u.hostname, u.port)
    tasks = []
    for i in range((args.n + 99) // 100):
        conn.request("POST", base + "/tasks", json.dumps({"title": f"bench {i}"}), hdr)
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200, body
        tasks.append(json.loads(body)["id"])

    start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=args.lead)
    times = [start + datetime.timedelta(seconds=args.window * i / args.n) for i in range(args.n)]
    errors = []
    lock = threading.Lock()
    nxt = [0]

    def worker():
        c = http.client.HTTPConnection(u.hostname, u.port)
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= args.n:
                return
            at = times[i].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            c.request("POST", f"{base}/tasks/{tasks[i // 100]}/reminder", json.dumps({"remind_at": at}), hdr)
            r = c.getresponse()
            b = r.read()
            if r.status != 200:
                with lock:
                    errors.append((r.status, b[:200]))

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sched_s = time.monotonic() - t0
    if errors:
        print(f"{len(errors)} scheduling errors, first: {errors[0]}", file=sys.stderr)
        sys.exit(1)
    print(f"scheduled {args.n} reminders in {sched_s:.2f}s: {args.n / sched_s:.0f} reminders/s "
          f"({args.connections} connections through daprd)")

    deadline = time.monotonic() + args.lead + args.window + 120
    where = f"r.user_id = '{user}'"
    while time.monotonic() < deadline:
        pending = int(psql(args.db, f"SELECT count(*) FROM reminders r WHERE {where} AND status = 'pending'"))
        if pending == 0:
            break
        time.sleep(1)
    rows = psql(args.db, "SELECT extract(epoch FROM sent_at - reminder_time), late FROM reminders r "
                         f"WHERE {where} AND status = 'sent'").splitlines()
    lat = [float(x.split("|")[0]) * 1000 for x in rows]
    late = sum(1 for x in rows if x.endswith("|t"))
    lost = args.n - len(lat)
    print(f"fired {len(lat)}/{args.n} (lost {lost}, by reconciliation {late}); lateness ms: "
          f"p50 {pct(lat, 0.50):.0f}, p99 {pct(lat, 0.99):.0f}, max {max(lat):.0f}, min {min(lat):.0f}")
    backlog = psql(args.db, "SELECT count(*) FROM outbox")
    print(f"outbox backlog after the run: {backlog}")
    sys.exit(0 if lost == 0 else 1)


if __name__ == "__main__":
    main()
