#!/usr/bin/env python3
"""check_layers.py - every #include in src/ points down the layer order.

The layer order of todod, top to bottom (README, "A tour of the source"):

   1 main       main.c, todod.c: start-up, threads, shutdown
   2 callback/  the AppCallback dispatcher: OnInvoke -> api, OnTopicEvent ->
                consumers, OnJobEvent -> jobs, health
   3 api/ consumers/ jobs/ realtime/
                the front doors (siblings): thin handlers that parse, call a
                use case (writes) or a repository (reads), and encode
   4 changes/   the use cases: every write transaction (tasks, series, tags,
                reminders, activity) and the one commit-and-nudge helper
   5 events/    the outbox relay (publishes committed events; runs the
                command callback its owner gives it)
   6 store/ dapr/ json/
                adapters (siblings): PostgreSQL, the Dapr client, JSON codecs
   7 service/   the domain: pure types and rules, no I/O
   8 http/ auth/
                request plumbing (siblings): router, query string, status
                table; JWT
   9 rpc/       the gRPC core wrapper
  10 config, app.h, todod_build.h
                process configuration and context
  11 base/      allocation, errors, logging, strings, time, UTF-8

A file may include a header of its own directory or of any lower layer;
never one of a higher layer nor one of a sibling directory in its layer.
On top of that, no two modules (a .c with its .h) may include each other,
directly or round a longer loop, inside a directory either. There is no
list of exceptions: a header that does not fit is in the wrong place.
Exit status 1 and one line per violation when the order is broken.
"""
import os
import re
import sys

LAYERS = [
    ("main", [("main.c", "todod.c", "todod.h")]),
    ("callback", ["callback/"]),
    ("front doors", ["api/", "mcp/", "consumers/", "jobs/", "realtime/"]),
    ("use cases", ["changes/"]),
    ("relay", ["events/"]),
    ("adapters", ["store/", "dapr/", "json/"]),
    ("domain", ["service/"]),
    ("request plumbing", ["http/", "auth/"]),
    ("rpc", ["rpc/"]),
    ("context", [("config.c", "config.h", "app.h", "todod_build.h")]),
    ("base", ["base/"]),
]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def unit_of(path):
    """(layer index, unit) of a path relative to src/, or None."""
    for i, (_, units) in enumerate(LAYERS):
        for u in units:   # a directory, or a group of top-level files
            if path.startswith(u) if isinstance(u, str) else path in u:
                return i, u if isinstance(u, str) else u[0]
    return None


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")
    root = os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else root)
    problems = []
    edges = {}   # module -> {module: "file:line"}
    files = []
    for d, _, names in os.walk(root):
        for n in names:
            if n.endswith((".c", ".h")):
                files.append(os.path.relpath(os.path.join(d, n), root))
    for f in sorted(files):
        if f.endswith(".pb-c.h") or f.endswith(".pb-c.c"):
            continue
        me = unit_of(f)
        if me is None:
            problems.append(f"{f}: not in any layer (add its directory to LAYERS)")
            continue
        with open(os.path.join(root, f), encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                it = unit_of(inc)
                where = f"{f}:{lineno}"
                if it is None:
                    problems.append(f'{where}: "{inc}" is in no layer')
                    continue
                if it[1] == me[1]:
                    src_mod, dst_mod = os.path.splitext(f)[0], os.path.splitext(inc)[0]
                    if src_mod != dst_mod and not inc.endswith("_internal.h"):
                        edges.setdefault(src_mod, {}).setdefault(dst_mod, where)
                    continue
                if it[0] < me[0]:
                    problems.append(f'{where}: includes "{inc}": {LAYERS[me[0]][0]} ({me[1]}) '
                                    f'may not reach up to {LAYERS[it[0]][0]} ({it[1]})')
                elif it[0] == me[0]:
                    problems.append(f'{where}: includes "{inc}": {me[1]} and {it[1]} are '
                                    f'siblings in {LAYERS[me[0]][0]} and may not include each other')
    # Module cycles inside a directory (between directories the order rules them out).
    state = {}

    def visit(m, path):
        state[m] = 1
        for n, where in sorted(edges.get(m, {}).items()):
            if state.get(n) == 1:
                loop = path[path.index(n):] + [n] if n in path else [m, n]
                problems.append(f"{where}: include cycle {' -> '.join(loop)}")
            elif n not in state:
                visit(n, path + [n])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    for p in problems:
        print(p)
    print(f"layers: {len(files)} files checked, {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
