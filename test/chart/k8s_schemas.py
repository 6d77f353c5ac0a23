#!/usr/bin/env python3
"""k8s_schemas.py - JSON schemas for `kubeconform -strict`, offline.

  k8s_schemas.py builtin SRC_DIR OUT_DIR KIND-FILE...
      SRC_DIR is a kubernetes-validate "vX.Y.Z-local-strict" folder (PyPI kubernetes-validate: the
      upstream OpenAPI turned into JSON Schema, additionalProperties false). Its files $ref a shared
      /api/_definitions.json; kubeconform wants standalone files, so for each KIND-FILE (e.g.
      deployment-apps-v1.json) this writes OUT_DIR/KIND-FILE with the reachable definitions inlined.

  k8s_schemas.py crd OUT_DIR CRD.yaml...
      For every served version of every CRD: OUT_DIR/<group>/<kind>_<version>.json, the CRD's
      openAPIV3Schema made strict: additionalProperties false on every object that lists properties
      (unless the CRD says x-kubernetes-preserve-unknown-fields), nullable -> null allowed,
      int-or-string -> either type. Also adds apiVersion/kind/metadata checks the server does.
"""
import json
import os
import sys

import yaml

REF_PREFIXES = ("/api/_definitions.json#/$defs/", "#/$defs/")  # from a kind file; inside _definitions


def ref_name(r):
    for p in REF_PREFIXES:
        if isinstance(r, str) and r.startswith(p):
            return r[len(p):]
    return None


def refs_in(node, out):
    if isinstance(node, dict):
        r = ref_name(node.get("$ref"))
        if r:
            out.add(r)
        for v in node.values():
            refs_in(v, out)
    elif isinstance(node, list):
        for v in node:
            refs_in(v, out)


def rewrite(node):
    if isinstance(node, dict):
        return {k: ("#/definitions/" + ref_name(v) if k == "$ref" and ref_name(v) else rewrite(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [rewrite(v) for v in node]
    return node


def builtin(src, out, files):
    with open(os.path.join(src, "_definitions.json")) as f:
        defs = json.load(f)["$defs"]
    os.makedirs(out, exist_ok=True)
    for name in files:
        path = os.path.join(src, name)
        if not os.path.exists(path):
            continue  # kubeconform reports the kind as having no schema
        with open(path) as f:
            schema = json.load(f)
        need, todo = set(), set()
        refs_in(schema, todo)
        while todo:
            d = todo.pop()
            if d in need:
                continue
            need.add(d)
            refs_in(defs[d], todo)
        schema = rewrite(schema)
        schema["definitions"] = {d: rewrite(defs[d]) for d in sorted(need)}
        schema.pop("$id", None)  # kubeconform compiles it under its file path
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        tmp = os.path.join(out, name + ".tmp")
        with open(tmp, "w") as f:
            json.dump(schema, f)
        os.replace(tmp, os.path.join(out, name))


def strict(node):
    if isinstance(node, list):
        return [strict(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: strict(v) for k, v in node.items()}
    if node.get("nullable") and "type" in node:
        node["type"] = [node["type"], "null"]
    if node.get("x-kubernetes-int-or-string"):
        node.pop("type", None)
        node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if (node.get("type") == "object" and "properties" in node and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")):
        node["additionalProperties"] = False
    return node


def crd(out, files):
    for path in files:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d and d.get("kind") == "CustomResourceDefinition"]
        for d in docs:
            group, kind = d["spec"]["group"], d["spec"]["names"]["kind"]
            for v in d["spec"]["versions"]:
                if not v.get("served", True):
                    continue
                s = strict(v["schema"]["openAPIV3Schema"])
                props = s.setdefault("properties", {})
                props["apiVersion"] = {"type": "string", "enum": [f"{group}/{v['name']}"]}
                props["kind"] = {"type": "string", "enum": [kind]}
                props["metadata"] = {"type": "object", "required": ["name"],
                                     "properties": {"name": {"type": "string", "maxLength": 253,
                                                             "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"}}}
                s["$schema"] = "http://json-schema.org/draft-07/schema#"
                s["additionalProperties"] = False
                os.makedirs(os.path.join(out, group), exist_ok=True)
                with open(os.path.join(out, group, f"{kind.lower()}_{v['name']}.json"), "w") as f:
                    json.dump(s, f)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "builtin":
        builtin(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) >= 3 and sys.argv[1] == "crd":
        crd(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
