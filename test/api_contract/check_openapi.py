#!/usr/bin/env python3
"""check_openapi.py - the route table of src/api/api.c and src/api/openapi.yaml agree.

Parses the `routes[]` table of api.c with a regular expression and checks:

  1. every (verb, route) pair of api.c is an operation of openapi.yaml, and
     every operation of openapi.yaml is a pair of api.c (so a route added,
     removed or renamed without its description fails);

and, when PyYAML is installed (otherwise only 1 runs, from a line scan of
the `paths:` section):

  2. routes flagged ROUTE_AUTH_USER require bearerAuth, the others declare
     `security: []`;
  3. routes flagged ROUTE_DIAGNOSTICS carry `x-diagnostics: true`, the others not;
  4. the path parameters declared for an operation are exactly the {names}
     of its route;
  5. every operation answers 200, and every 4xx/5xx answer is an ErrorBody.

Usage: python3 test/api_contract/check_openapi.py [--api-c FILE] [--openapi FILE]
Exit status 0 when they agree, 1 with one line per problem otherwise.
"""
import argparse
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VERBS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

ROUTE_RE = re.compile(
    r'\{\s*HTTP_([A-Z]+)\s*,\s*"([^"]*)"\s*,\s*(\w+)\s*,\s*([A-Z_|\s]+?)\s*\}')


def parse_routes(path):
    """{(verb, "/route"): set(flags)} from the routes[] table of api.c."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)      # drop comments
    text = re.sub(r"//[^\n]*", "", text)
    m = re.search(r"struct\s+route\s+routes\s*\[\s*\]\s*=\s*\{(.*?)\n\};", text, re.S)
    if not m:
        sys.exit(f"{path}: no `static const struct route routes[] = {{ ... }};` table found")
    table = m.group(1)
    routes = {}
    for verb, route, _handler, flags in ROUTE_RE.findall(table):
        key = (verb.lower(), "/" + route.lstrip("/"))
        if key in routes:
            sys.exit(f"{path}: route {verb} {route} appears twice")
        routes[key] = {f.strip() for f in flags.split("|") if f.strip()}
    # Every entry of the table must have been understood: a route the regex
    # misses would silently escape the check.
    entries = len(re.findall(r"\bHTTP_[A-Z]+\b", table))
    if entries != len(routes) or not routes:
        sys.exit(f"{path}: understood {len(routes)} of {entries} route entries; "
                 f"update ROUTE_RE in {os.path.relpath(__file__, ROOT)}")
    return routes


def load_spec(path):
    try:
        import yaml
    except ImportError:
        return None
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def operations_by_line_scan(path):
    """{(verb, "/path")} from the `paths:` section, without a YAML parser:
    paths are keys indented 2 spaces, operations keys indented 4."""
    ops, in_paths, current = set(), False, None
    for line in open(path, encoding="utf-8"):
        if re.match(r"^\S", line):
            in_paths = line.startswith("paths:")
            current = None
            continue
        if not in_paths:
            continue
        m = re.match(r"^  (['\"]?)(/[^'\"]*)\1:\s*$", line)
        if m:
            current = m.group(2)
            continue
        m = re.match(r"^    ([a-z]+):", line)
        if m and current and m.group(1) in VERBS:
            ops.add((m.group(1), current))
    return ops


def resolve(spec, obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node = spec
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def deep_checks(spec, routes, problems):
    for (verb, path), flags in sorted(routes.items()):
        item = spec["paths"][path]
        op = item[verb]
        where = f"{verb.upper()} {path}"

        sec = op.get("security", spec.get("security"))
        wants_auth = "ROUTE_AUTH_USER" in flags
        has_auth = bool(sec) and any("bearerAuth" in req for req in sec)
        if wants_auth and not has_auth:
            problems.append(f"{where}: ROUTE_AUTH_USER in api.c but no bearerAuth security")
        if not wants_auth and sec != []:
            problems.append(f"{where}: public in api.c but openapi.yaml does not say `security: []`")

        diag = "ROUTE_DIAGNOSTICS" in flags
        if diag != (op.get("x-diagnostics") is True):
            problems.append(f"{where}: x-diagnostics should be {'true' if diag else 'absent'}")

        declared = set()
        for p in item.get("parameters", []) + op.get("parameters", []):
            p = resolve(spec, p)
            if p.get("in") == "path":
                declared.add(p["name"])
        wanted = set(re.findall(r"\{(\w+)\}", path))
        if declared != wanted:
            problems.append(f"{where}: path parameters {sorted(declared)} != route's {sorted(wanted)}")

        responses = op.get("responses", {})
        if "200" not in responses:
            problems.append(f"{where}: no 200 answer (daprd answers every success with 200)")
        for code, resp in responses.items():
            if str(code)[0] in "45":
                schema = (resolve(spec, resp).get("content", {})
                          .get("application/json", {}).get("schema", {}))
                if schema.get("$ref") != "#/components/schemas/ErrorBody":
                    problems.append(f"{where}: answer {code} is not an ErrorBody")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--api-c", default=os.path.join(ROOT, "src", "api", "api.c"))
    ap.add_argument("--openapi", default=os.path.join(ROOT, "src", "api", "openapi.yaml"))
    args = ap.parse_args()

    routes = parse_routes(args.api_c)
    spec = load_spec(args.openapi)
    if spec is None:
        print("note: PyYAML is not installed; checking (verb, route) pairs only "
              "(pip install pyyaml for the full check)")
        documented = operations_by_line_scan(args.openapi)
    else:
        documented = {(verb, path) for path, item in (spec.get("paths") or {}).items()
                      for verb in item if verb in VERBS}

    problems = []
    for verb, path in sorted(set(routes) - documented):
        problems.append(f"{verb.upper()} {path}: in the route table of api.c, not in openapi.yaml")
    for verb, path in sorted(documented - set(routes)):
        problems.append(f"{verb.upper()} {path}: in openapi.yaml, not in the route table of api.c")
    if spec is not None and not problems:
        deep_checks(spec, routes, problems)

    for p in problems:
        print(f"FAIL {p}")
    if problems:
        print(f"{len(problems)} problem(s): {os.path.relpath(args.openapi, ROOT)} "
              f"does not match {os.path.relpath(args.api_c, ROOT)}")
        return 1
    print(f"ok: {len(routes)} routes of {os.path.relpath(args.api_c, ROOT)} match "
          f"{os.path.relpath(args.openapi, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
