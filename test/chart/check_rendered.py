#!/usr/bin/env python3
"""check_rendered.py RENDERED.yaml... - the chart's own rules, on `helm template` output.

Schemas say what Kubernetes accepts; this says what issue 13 requires of our objects: Dapr
annotations, restricted security context, probes, resources, graceful shutdown longer than the
drain, checksum annotations, component scopes, the Kafka topology and the migration hook; and of
issue 14: todod's /metrics scraped on its http port, the dashboard and the alert rules.
Prints one line per failed rule and exits 1 if any failed."""
import json
import sys

import yaml

TOPICS = {"task-events", "task-events-dlq", "task-updates", "reminders", "activity-logs"}
failed = []


def need(cond, what):
    if not cond:
        failed.append(what)


def check(path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    tag = path.rsplit("/", 1)[-1]
    cm = [c for c in by_kind["ConfigMap"] if "TODOD_APP_PORT" in c.get("data", {})][0]["data"]
    dep = [d for d in by_kind["Deployment"] if d["metadata"]["name"].endswith("todod")][0]
    pod = dep["spec"]["template"]
    ann = pod["metadata"]["annotations"]
    app_id = ann.get("dapr.io/app-id")
    for a in ["dapr.io/enabled", "dapr.io/app-id", "dapr.io/app-port", "dapr.io/config", "dapr.io/log-level",
              "dapr.io/max-body-size", "dapr.io/sidecar-cpu-request", "dapr.io/sidecar-cpu-limit",
              "dapr.io/sidecar-memory-request", "dapr.io/sidecar-memory-limit",
              "checksum/config", "checksum/secrets", "checksum/dapr"]:
        need(a in ann, f"{tag}: Deployment pod annotation {a} missing")
    need(ann.get("dapr.io/app-protocol") == "grpc", f"{tag}: app-protocol is not grpc")
    need(ann.get("dapr.io/app-port") == cm["TODOD_APP_PORT"], f"{tag}: dapr app-port != TODOD_APP_PORT")
    spec = pod["spec"]
    need(spec.get("automountServiceAccountToken") is False, f"{tag}: automountServiceAccountToken not false")
    psc = spec.get("securityContext", {})
    need(psc.get("runAsNonRoot") is True and psc.get("seccompProfile", {}).get("type") == "RuntimeDefault",
         f"{tag}: pod securityContext not restricted")
    c = [c for c in spec["containers"] if c["name"] == "todod"][0]
    sc = c.get("securityContext", {})
    need(sc.get("readOnlyRootFilesystem") is True and sc.get("allowPrivilegeEscalation") is False
         and "ALL" in sc.get("capabilities", {}).get("drop", []) and sc.get("runAsNonRoot") is True,
         f"{tag}: todod container securityContext not restricted")
    for k in ("requests", "limits"):
        need({"cpu", "memory"} <= set(c.get("resources", {}).get(k, {})), f"{tag}: todod {k} incomplete")
    paths = {"startupProbe": "/livez", "livenessProbe": "/livez", "readinessProbe": "/readyz"}
    for p, path in paths.items():
        probe = c.get(p, {})
        http_ok = probe.get("httpGet", {}).get("path") == path and probe["httpGet"].get("port") == "http"
        need(http_ok or "grpc" in probe or "tcpSocket" in probe,
             f"{tag}: {p} is not GET {path} on the http port, gRPC or TCP")
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    need(env.get("TODOD_HTTP_ADDRESS") == "0.0.0.0", f"{tag}: TODOD_HTTP_ADDRESS is not 0.0.0.0 (kubelet probes)")
    drain = int(cm["TODOD_SHUTDOWN_GRACE_MS"]) / 1000 + int(ann["dapr.io/graceful-shutdown-seconds"])
    need(spec["terminationGracePeriodSeconds"] > drain, f"{tag}: terminationGracePeriodSeconds <= drain {drain}")
    if "dapr.io/api-token-secret" in ann:
        names = [e["name"] for e in c.get("env", [])]
        need("DAPR_API_TOKEN" in names, f"{tag}: api token not given to todod")
    if "dapr.io/app-token-secret" in ann:
        need("APP_API_TOKEN" in [e["name"] for e in c.get("env", [])], f"{tag}: app token not given to todod")

    comps = {d["metadata"]["name"]: d for d in by_kind.get("Component", [])}
    need(set(comps) == {"pubsub", "pubsub-broadcast", "statestore", "secretstore"}, f"{tag}: components {sorted(comps)}")
    for n, d in comps.items():
        need(d.get("scopes") == [app_id], f"{tag}: component {n} not scoped to {app_id}")
    md = lambda n: {m["name"]: m.get("value") for m in comps[n]["spec"]["metadata"]}
    need(comps["pubsub-broadcast"]["spec"]["type"] == "pubsub.kafka" and md("pubsub-broadcast")["consumerGroup"] == "{podName}",
         f"{tag}: broadcast pubsub is not per pod")
    need(comps["statestore"]["spec"]["type"] == "state.postgresql" and comps["statestore"]["spec"]["version"] == "v2",
         f"{tag}: statestore is not state.postgresql v2")
    need(comps["secretstore"]["spec"]["type"] == "secretstores.kubernetes", f"{tag}: secretstore type")
    # Real-time: todod names the components the chart makes, and hands out a socket URL clients can reach.
    need(cm.get("TODOD_STATE_STORE") in comps and cm.get("TODOD_BROADCAST_PUBSUB") in comps,
         f"{tag}: TODOD_STATE_STORE/TODOD_BROADCAST_PUBSUB name no rendered component")
    url = cm.get("TODOD_REALTIME_PUBLIC_URL", "")
    need(url.startswith(("ws://", "wss://")) and url.endswith("/realtime") and "127.0.0.1" not in url,
         f"{tag}: TODOD_REALTIME_PUBLIC_URL {url!r} is not a reachable /realtime URL")
    need(len(by_kind.get("Resiliency", [])) == 1 and by_kind["Resiliency"][0].get("scopes") == [app_id],
         f"{tag}: Resiliency missing or unscoped")
    need(len(by_kind.get("Configuration", [])) == 1, f"{tag}: Dapr Configuration missing")

    if "Kafka" in by_kind:
        k = by_kind["Kafka"][0]["spec"]["kafka"]["config"]
        need(k["min.insync.replicas"] == 2 and k["default.replication.factor"] == 3, f"{tag}: Kafka RF/ISR")
        pool = by_kind["KafkaNodePool"][0]["spec"]
        need(pool["replicas"] == 3 and sorted(pool["roles"]) == ["broker", "controller"], f"{tag}: node pool")
        need({t["spec"]["topicName"] for t in by_kind.get("KafkaTopic", [])} == TOPICS, f"{tag}: KafkaTopics")
        need(md("pubsub")["brokers"].startswith(by_kind["Kafka"][0]["metadata"]["name"] + "-kafka-bootstrap."),
             f"{tag}: pubsub does not point at the Strimzi bootstrap")
    job = by_kind["Job"][0]
    need(job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,pre-upgrade", f"{tag}: migration hook phases")
    need(job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate", "up"], f"{tag}: migration args")
    need(job["spec"]["template"]["metadata"]["annotations"].get("dapr.io/enabled") == "false", f"{tag}: Job gets a sidecar")
    need("Role" in by_kind and "RoleBinding" in by_kind and "ServiceAccount" in by_kind, f"{tag}: RBAC objects")
    need("Service" in by_kind, f"{tag}: Service missing")

    # Monitoring: Prometheus finds todod's own port, Grafana the dashboard, and the rules file
    # holds the alerts (promtool checks the rules themselves in chart-check.sh).
    http_port = [p for p in c["ports"] if p["name"] == "http"][0]["containerPort"]
    need(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == str(http_port)
         and ann.get("prometheus.io/path") == "/metrics", f"{tag}: scrape annotations do not point at /metrics on {http_port}")
    cms = {d["metadata"]["name"]: d for d in by_kind["ConfigMap"]}
    dash = [d for n, d in cms.items() if n.endswith("-dashboard")]
    need(len(dash) == 1 and dash[0]["metadata"]["labels"].get("grafana_dashboard") == "1",
         f"{tag}: no dashboard ConfigMap with the grafana_dashboard label")
    if dash:
        board = json.loads(dash[0]["data"]["todod.json"])
        exprs = " ".join(t["expr"] for p in board["panels"] for t in p.get("targets", []))
        for m in ["todod_http_requests_total", "todod_http_request_duration_seconds_bucket", "todod_work_queue_depth",
                  "todod_db_query_duration_seconds_bucket", "todod_outbox_oldest_age_seconds", "todod_consumer_lag_seconds_bucket",
                  "todod_reminder_fire_lateness_seconds_bucket", "todod_realtime_", "process_resident_memory_bytes"]:
            need(m in exprs, f"{tag}: dashboard shows no {m}")
    rules = [d for n, d in cms.items() if n.endswith("-alerts")]
    need(len(rules) == 1, f"{tag}: no alert rules ConfigMap")
    if rules:
        groups = yaml.safe_load(rules[0]["data"]["todod-alerts.yaml"])["groups"]
        names = {r["alert"] for g in groups for r in g["rules"]}
        need({"TododOutboxEventsStuck", "TododRemindersLate", "TododConsumerDeadLetters", "TododHigh5xxRate",
              "TododNotReady"} <= names, f"{tag}: alerts {sorted(names)}")
    np = by_kind.get("NetworkPolicy", [])
    if np and any("monitoring" in json.dumps(r) for r in np[0]["spec"]["ingress"]):
        need(any({"port": "http", "protocol": "TCP"} in r.get("ports", []) and "monitoring" in json.dumps(r)
                 for r in np[0]["spec"]["ingress"]), f"{tag}: the scraper may not reach todod's http port")
    return len(docs)


n = sum(check(p) for p in sys.argv[1:])
for f in failed:
    print("FAIL:", f)
print(f"check_rendered: {n} objects in {len(sys.argv) - 1} renderings, {len(failed)} rule failures")
sys.exit(1 if failed else 0)
