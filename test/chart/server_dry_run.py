#!/usr/bin/env python3
"""server_dry_run.py SERVER CAFILE TOKENFILE NAMESPACE RENDERED.yaml

Creates every object of a `helm template` rendering in NAMESPACE of a live API server as a dry run
with fieldValidation=Strict: the server's defaulting, validation (unknown or duplicate fields are
errors, not warnings), CRD schemas and admission all run, nothing is stored. Hooks included (the
migration Job, which `helm install --no-hooks` leaves out). Resource names come from discovery.
Prints one line per object; exits 1 if any was refused."""
import json
import ssl
import sys
import urllib.error
import urllib.request

import yaml

server, cafile, tokenfile, ns, rendered = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=cafile)
token = open(tokenfile).read().strip()


def call(method, path, body=None):
    req = urllib.request.Request(server + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


plural = {}


def resource(api_version, kind):
    if (api_version, kind) not in plural:
        path = "/api/v1" if api_version == "v1" else "/apis/" + api_version
        code, disc = call("GET", path)
        if code != 200:
            raise SystemExit(f"discovery of {api_version} failed: HTTP {code}")
        for r in disc["resources"]:
            if "/" not in r["name"]:
                plural[(api_version, r["kind"])] = (r["name"], r["namespaced"])
    return plural[(api_version, kind)]


code, _ = call("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
if code not in (201, 409):
    raise SystemExit(f"creating namespace {ns}: HTTP {code}")
bad = n = 0
for d in yaml.safe_load_all(open(rendered)):
    if not d:
        continue
    n += 1
    name, namespaced = resource(d["apiVersion"], d["kind"])
    base = ("/api/v1" if d["apiVersion"] == "v1" else "/apis/" + d["apiVersion"])
    path = f"{base}/namespaces/{ns}/{name}" if namespaced else f"{base}/{name}"
    code, reply = call("POST", path + "?dryRun=All&fieldValidation=Strict", d)
    if code == 201:
        print(f"  accepted {d['kind']}/{d['metadata']['name']}")
    else:
        bad += 1
        print(f"  REFUSED {d['kind']}/{d['metadata']['name']}: HTTP {code} {reply.get('message', reply)}")
print(f"server dry run: {n - bad} of {n} objects accepted (fieldValidation=Strict)")
sys.exit(1 if bad else 0)
