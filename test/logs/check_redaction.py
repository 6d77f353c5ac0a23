#!/usr/bin/env python3
"""Log redaction check, run by scripts/test.sh after every e2e suite: no
credential a test used may appear in any log of the run.

Credentials: every JWT the e2e tests minted and every ticket they were
issued ($TODOD_WORK/e2e-sensitive.txt, written by test/e2e/conftest.py's
record_sensitive), the values of the development secret store
(components/local/dev-secrets.json and the per-stack copies daprd.sh renders
under $TODOD_WORK/resources/), and DAPR_API_TOKEN / APP_API_TOKEN if set.

Logs: every file under $TODOD_WORK/logs (todod, daprd, scheduler, Kafka,
PostgreSQL, Jaeger, ...) except the test runners' own output (suite-*.log),
which prints what the tests send.

A JWT counts as leaked when its claims segment or its signature appears,
or just their first 24 characters (a log that cut a token short still
leaks it; the header segment alone is the same for every token). To stay fast with tens of thousands of tokens, the logs are cut
into base64url runs once and looked up in a set. Fails, too, when there is
nothing to check (no credentials recorded, no request lines in todod.log),
so an empty run cannot pass.
"""
import glob
import json
import os
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORK = pathlib.Path(os.environ.get("TODOD_WORK", "/tmp/todod-work"))
PREFIX = 24   # a JWT segment is found by its first PREFIX characters
RUN = re.compile(rb"[A-Za-z0-9_-]{%d,}" % PREFIX)


def credentials():
    jwt_parts, plain = {}, {}
    f = WORK / "e2e-sensitive.txt"
    if f.exists():
        for line in f.read_text(encoding="utf-8").splitlines():
            kind, _, value = line.partition("\t")
            if not value:
                continue
            if kind == "jwt":
                parts = value.split(".")
                for p in parts[1:]:
                    if len(p) >= PREFIX:
                        jwt_parts[p[:PREFIX].encode()] = value
                plain[value] = kind
            else:
                plain[value] = kind
    secret_files = [ROOT / "components/local/dev-secrets.json"] + \
        [pathlib.Path(p) for p in glob.glob(str(WORK / "resources" / "*.dev-secrets.json"))]
    for sf in secret_files:
        for k, v in json.loads(sf.read_text()).items():
            if not k.startswith("_") and isinstance(v, str) and len(v) >= 8:
                plain[v] = f"secret {k}"
    for var in ("DAPR_API_TOKEN", "APP_API_TOKEN"):
        if os.environ.get(var):
            plain[os.environ[var]] = var
    return jwt_parts, plain


def main():
    jwt_parts, plain = credentials()
    njwt = sum(1 for k in plain.values() if k == "jwt")
    logs = [p for p in (WORK / "logs").rglob("*")
            if p.is_file() and not p.name.startswith("suite-")]
    todod_log = WORK / "logs" / "todod.log"
    requests = todod_log.read_bytes().count(b"msg=request ") if todod_log.exists() else 0
    print(f"checking {len(logs)} log files ({sum(p.stat().st_size for p in logs)} bytes, "
          f"{requests} request lines in todod.log) for {njwt} JWTs, "
          f"{len(plain) - njwt} other credentials")
    problems = []
    if njwt == 0:
        problems.append(f"no JWT recorded in {WORK / 'e2e-sensitive.txt'}: did the e2e suites run?")
    if requests == 0:
        problems.append(f"no request lines in {todod_log}: nothing was logged to check")
    needles = [value.encode() for value, kind in plain.items() if kind != "jwt"]
    for p in logs:
        data = p.read_bytes()
        for run in set(RUN.findall(data)):
            if run[:PREFIX] in jwt_parts:
                problems.append(f"{p}: part of a JWT: {run[:24].decode()}...")
                break
        for n in needles:
            if n in data:
                problems.append(f"{p}: {plain[n.decode()]} value appears")
    for pr in problems:
        print("FAIL", pr)
    print(f"{1 if not problems else 0} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
