#!/usr/bin/env bash
# Checks charts/todod. Tools come from scripts/install-k8s-tools.sh (cached in $TODOD_CACHE/k8s).
#   scripts/chart-check.sh [static|server|all]   (default all)
#   static  helm lint --strict and helm template for each values set in VALUE_SETS below;
#           kubeconform -strict on every rendered object (built-in kinds: kubernetes-validate's
#           strict schemas of $KUBE_VERSION; Dapr/Strimzi CRs: the CRDs in $CRD_DIR made strict);
#           negative tests: every test/chart/bad-values/*.yaml must be refused by helm with the
#           error its first line names, and test/chart/bad-manifests/*.yaml by kubeconform;
#           the alert rules: promtool check rules + promtool test rules (test/chart/alerts-test.yaml).
#   server  a real kube-apiserver + etcd on loopback (no nodes, no controllers): applies the CRDs,
#           `helm install`s the chart with each values set into its own namespace (the server runs
#           schema validation, CRD structural validation and admission), creates every rendered object
#           (hooks included) once more as a dry run with fieldValidation=Strict (unknown fields are
#           errors), `helm upgrade`s one release and checks that the pods would roll,
#           and makes sure the server refuses an invalid Component. Then stops both.
# Ports: K8S_APISERVER_PORT (16443), K8S_ETCD_PORT (23790), K8S_ETCD_PEER_PORT (23800).
# State and logs: $TODOD_WORK/k8s/ (etcd data is wiped at every start).
source "$(dirname "${BASH_SOURCE[0]}")/k8s-env.sh"

what=${1:-all}
CHART=$TODOD_ROOT/charts/todod
T=$TODOD_ROOT/test/chart
OUT=$TODOD_WORK/chart
K8S_STATE=$TODOD_WORK/k8s
K8S_APISERVER_PORT=${K8S_APISERVER_PORT:-16443}
K8S_ETCD_PORT=${K8S_ETCD_PORT:-23790}
K8S_ETCD_PEER_PORT=${K8S_ETCD_PEER_PORT:-23800}
KV_VERSION=1.37.0 # PyPI kubernetes-validate: its schemas for Kubernetes v${KUBE_VERSION#v} (minor)
# name:values files (relative to the repo). "default" is values.yaml plus the two required secrets.
VALUE_SETS=(
	"default:test/chart/values-ci.yaml"
	"minikube:charts/todod/values-minikube.yaml"
	"external-kafka:test/chart/values-external-kafka.yaml"
	"all-features:test/chart/values-all-features.yaml"
)
fails=0 passes=0 t_all=$SECONDS
pass() {
	log "ok: $*"
	passes=$((passes + 1))
}
fail() {
	log "FAIL: $*"
	fails=$((fails + 1))
}

[ -d "$CRD_DIR/dapr-1.18.3" ] && [ -d "$CRD_DIR/strimzi-1.2.0" ] ||
	die "CRDs not found in $CRD_DIR (set CRD_DIR to the folder with dapr-1.18.3/ and strimzi-1.2.0/)"
CRDS=("$CRD_DIR"/dapr-1.18.3/*.yaml "$CRD_DIR"/strimzi-1.2.0/04*-Crd-*.yaml)

values_args() { # values_args SET -> -f flags
	local f
	for f in ${1//,/ }; do printf -- '-f\n%s\n' "$TODOD_ROOT/$f"; done
}

# The built-in schemas: kubernetes-validate's wheel (downloaded once, kept in the cache).
builtin_schema_src() {
	local dir=$K8S_CACHE/kubernetes-validate-$KV_VERSION minor=${KUBE_VERSION#v}
	minor=${minor%.*}
	if [ ! -d "$dir/kubernetes_validate" ]; then
		log "downloading kubernetes-validate $KV_VERSION (PyPI wheel; its JSON schemas only)"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		python3 -m pip download -q --no-deps --only-binary=:all: -d "$dir.tmp" "kubernetes-validate==$KV_VERSION" >&2
		(cd "$dir.tmp" && python3 -m zipfile -e ./*.whl . && rm -f ./*.whl)
		mv "$dir.tmp" "$dir"
	fi
	local src=$dir/kubernetes_validate/kubernetes-json-schema/v$minor.0-local-strict
	[ -d "$src" ] || die "kubernetes-validate $KV_VERSION has no schemas for v$minor ($src)"
	echo "$src"
}

static() {
	local t=$SECONDS set name files rendered=() out rc f expect
	"$TODOD_ROOT/scripts/install-k8s-tools.sh" static
	rm -rf "$OUT" && mkdir -p "$OUT"
	log "helm $("$HELM" version --short), kubeconform $("$KUBECONFORM" -v), kube $KUBE_VERSION"

	for set in "${VALUE_SETS[@]}"; do
		name=${set%%:*} files=${set#*:}
		mapfile -t vargs < <(values_args "$files")
		if out=$("$HELM" lint --strict "$CHART" "${vargs[@]}" 2>&1); then
			pass "helm lint --strict ($name)"
		else
			fail "helm lint --strict ($name):"$'\n'"$out"
		fi
		if "$HELM" template todod "$CHART" --namespace todod --kube-version "$KUBE_VERSION" \
			"${vargs[@]}" >"$OUT/$name.yaml" 2>"$OUT/$name.err"; then
			pass "helm template ($name): $(grep -c '^kind:' "$OUT/$name.yaml") objects:" \
				"$(grep '^kind:' "$OUT/$name.yaml" | sort | uniq -c | awk '{printf "%s%s", sep, $3"x"$1; sep=" "}')"
			rendered+=("$OUT/$name.yaml")
		else
			fail "helm template ($name): $(cat "$OUT/$name.err")"
		fi
	done
	# The hook Job is in the rendered output too (helm template prints hooks); so is everything else.

	# Schemas for exactly the kinds rendered (file names as kubeconform's KindSuffix spells them).
	local src kinds
	src=$(builtin_schema_src)
	kinds=$(cat "${rendered[@]}" "$T"/bad-manifests/*.yaml | python3 -c '
import sys, yaml
seen = set()
for d in yaml.safe_load_all(sys.stdin):
    if not d: continue
    g, _, v = d["apiVersion"].rpartition("/")
    name = d["kind"].lower() + ("-" + g.split(".")[0] if g else "") + "-" + v
    if name not in seen:
        seen.add(name); print(name + ".json")')
	# shellcheck disable=SC2086
	python3 "$T/k8s_schemas.py" builtin "$src" "$OUT/schemas/builtin" $kinds
	python3 "$T/k8s_schemas.py" crd "$OUT/schemas/crd" "${CRDS[@]}"
	local -a kc=("$KUBECONFORM" -strict -summary -output text
		-schema-location "$OUT/schemas/builtin/{{.ResourceKind}}{{.KindSuffix}}.json"
		-schema-location "$OUT/schemas/crd/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json")
	# No -ignore-missing-schemas: an object without a schema is an error, not a pass.
	if out=$("${kc[@]}" "${rendered[@]}" 2>&1); then
		pass "kubeconform -strict: $(tail -1 <<<"$out")"
	else
		fail "kubeconform -strict:"$'\n'"$out"
	fi
	# The validator must not be vacuous: each bad manifest is refused.
	for f in "$T"/bad-manifests/*.yaml; do
		expect=$(sed -n '1s/^# expect: //p' "$f")
		if out=$("${kc[@]}" "$f" 2>&1); then
			fail "kubeconform accepted $(basename "$f")"
		elif grep -qF -- "$expect" <<<"$out"; then
			pass "kubeconform refuses $(basename "$f"): $(grep -m1 -F -- "$expect" <<<"$out" | sed "s|.*validation failed with||" | cut -c1-200)"
		else
			fail "kubeconform refused $(basename "$f") without \"$expect\":"$'\n'"$out"
		fi
	done
	# Negative values tests: the schema (or a template guard) refuses each, naming the field.
	for f in "$T"/bad-values/*.yaml; do
		expect=$(sed -n '1s/^# expect: //p' "$f")
		[ -n "$expect" ] || die "$f: first line must be '# expect: <error text>'"
		if out=$("$HELM" template todod "$CHART" --kube-version "$KUBE_VERSION" -f "$T/values-ci.yaml" -f "$f" 2>&1); then
			fail "helm accepted bad values $(basename "$f")"
		elif grep -qF -- "$expect" <<<"$out"; then
			pass "helm refuses $(basename "$f"): $(grep -m1 -F -- "$expect" <<<"$out" | cut -c1-200)"
		else
			fail "helm refused $(basename "$f") without naming \"$expect\":"$'\n'"$out"
		fi
	done
	python3 "$T/check_rendered.py" "$OUT/default.yaml" "$OUT/minikube.yaml" "$OUT/external-kafka.yaml" ||
		fail "rendered objects break the chart's rules (check_rendered.py)"
	alerts
	log "static chart checks done in $((SECONDS - t))s"
}

# The alert rules (templates/_alerts.tpl): the rendered rules file passes `promtool check rules`
# and the unit tests of test/chart/alerts-test.yaml (`promtool test rules`); with the Prometheus
# Operator kinds switched on, the PrometheusRule carries the same groups and the ServiceMonitor
# scrapes the Service's http port. No CRD schema of the operator is at hand, so those two objects
# are off by default and never reach kubeconform or the API server.
alerts() {
	local promtool out dir=$OUT/alerts
	promtool=$("$TODOD_ROOT/scripts/install-promtool.sh" --path)
	mkdir -p "$dir"
	"$HELM" template todod "$CHART" --namespace todod --kube-version "$KUBE_VERSION" -f "$T/values-ci.yaml" \
		--set metrics.prometheusRule.enabled=true --set metrics.serviceMonitor.enabled=true >"$dir/operator.yaml"
	python3 - "$OUT/default.yaml" "$dir/operator.yaml" "$dir/todod-alerts.yaml" <<-'PY' || fail "PrometheusRule / ServiceMonitor"
		import sys, yaml
		plain = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["metadata"]["name"].endswith("-alerts")]
		open(sys.argv[3], "w").write(plain[0]["data"]["todod-alerts.yaml"])
		docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[2])) if d}
		assert docs["PrometheusRule"]["spec"]["groups"] == yaml.safe_load(plain[0]["data"]["todod-alerts.yaml"])["groups"]
		ep = docs["ServiceMonitor"]["spec"]["endpoints"]
		assert ep == [{"port": "http", "path": "/metrics", "interval": "30s"}], ep
	PY
	cp "$T/alerts-test.yaml" "$dir/"
	if out=$("$promtool" check rules "$dir/todod-alerts.yaml" 2>&1); then
		pass "promtool check rules: $(grep -o 'SUCCESS: [0-9]* rules found' <<<"$out")"
	else
		fail "promtool check rules:"$'\n'"$out"
	fi
	if out=$(cd "$dir" && "$promtool" test rules alerts-test.yaml 2>&1); then
		pass "promtool test rules: $(grep -c 'alertname:' "$dir/alerts-test.yaml") alert evaluations as expected"
	else
		fail "promtool test rules:"$'\n'"$out"
	fi
}

# --- the API server -------------------------------------------------------------------------------

kcurl() { # kcurl METHOD PATH [curl args...]: authenticated call to the local API server
	local m=$1 p=$2
	shift 2
	curl -sS --cacert "$K8S_STATE/apiserver.crt" -H "Authorization: Bearer $(cat "$K8S_STATE/token")" \
		-X "$m" "https://127.0.0.1:$K8S_APISERVER_PORT$p" "$@"
}

server_stop() {
	stop_pidfile "$K8S_STATE/kube-apiserver.pid" 20
	stop_pidfile "$K8S_STATE/etcd.pid" 20
}

server_start() {
	server_stop
	rm -rf "$K8S_STATE/etcd-data"
	mkdir -p "$K8S_STATE" "$TODOD_WORK/logs"
	local s=$K8S_STATE
	if [ ! -f "$s/apiserver.crt" ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1,DNS:localhost \
			-keyout "$s/apiserver.key" -out "$s/apiserver.crt" 2>/dev/null
		openssl genrsa -out "$s/sa.key" 2048 2>/dev/null
		openssl rsa -in "$s/sa.key" -pubout -out "$s/sa.pub" 2>/dev/null
	fi
	# A fresh random admin token per start (system:masters); never a fixed credential.
	python3 -c 'import secrets; print(secrets.token_hex(24))' >"$s/token"
	chmod 600 "$s/token" "$s/apiserver.key" "$s/sa.key"
	echo "$(cat "$s/token"),chart-check,chart-check-uid,system:masters" >"$s/tokens.csv"

	wait_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || die "port $1 is in use (set ${2})"; }
	wait_port_free "$K8S_ETCD_PORT" K8S_ETCD_PORT
	wait_port_free "$K8S_APISERVER_PORT" K8S_APISERVER_PORT
	"$ETCD" --name chart-check --data-dir "$s/etcd-data" \
		--listen-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" \
		--listen-peer-urls "http://127.0.0.1:$K8S_ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$K8S_ETCD_PEER_PORT" \
		--initial-cluster "chart-check=http://127.0.0.1:$K8S_ETCD_PEER_PORT" \
		--log-level warn >"$TODOD_WORK/logs/etcd.log" 2>&1 &
	echo $! >"$s/etcd.pid"
	wait_for_port 127.0.0.1 "$K8S_ETCD_PORT" 60 etcd
	"$KUBE_APISERVER" --etcd-servers "http://127.0.0.1:$K8S_ETCD_PORT" \
		--bind-address 127.0.0.1 --secure-port "$K8S_APISERVER_PORT" \
		--tls-cert-file "$s/apiserver.crt" --tls-private-key-file "$s/apiserver.key" \
		--service-account-issuer https://kubernetes.default.svc \
		--service-account-key-file "$s/sa.pub" --service-account-signing-key-file "$s/sa.key" \
		--token-auth-file "$s/tokens.csv" --authorization-mode RBAC \
		--service-cluster-ip-range 10.96.0.0/16 >"$TODOD_WORK/logs/kube-apiserver.log" 2>&1 &
	echo $! >"$s/kube-apiserver.pid"
	local deadline=$((SECONDS + 120))
	until [ "$(kcurl GET /readyz 2>/dev/null)" = ok ]; do
		kill -0 "$(cat "$s/kube-apiserver.pid")" 2>/dev/null ||
			die "kube-apiserver exited; see $TODOD_WORK/logs/kube-apiserver.log"
		((SECONDS < deadline)) || die "kube-apiserver not ready within 120s; see $TODOD_WORK/logs/kube-apiserver.log"
		sleep 0.5
	done
	cat >"$s/kubeconfig" <<-EOF
		apiVersion: v1
		kind: Config
		clusters:
		  - name: local
		    cluster:
		      server: https://127.0.0.1:$K8S_APISERVER_PORT
		      certificate-authority-data: $(base64 -w0 "$s/apiserver.crt")
		users:
		  - name: admin
		    user:
		      token: $(cat "$s/token")
		contexts:
		  - name: local
		    context: {cluster: local, user: admin}
		current-context: local
	EOF
	chmod 600 "$s/kubeconfig"
}

server() {
	local t=$SECONDS set name files ns out code crd
	"$TODOD_ROOT/scripts/install-k8s-tools.sh" server
	"$TODOD_ROOT/scripts/install-k8s-tools.sh" static
	server_start
	trap server_stop EXIT
	pass "kube-apiserver $(kcurl GET /version | python3 -c 'import json,sys; print(json.load(sys.stdin)["gitVersion"])') ready in $((SECONDS - t))s"

	# CRDs (server-side apply), then wait until each is Established.
	for crd in "${CRDS[@]}"; do
		python3 -c '
import json, sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") == "CustomResourceDefinition":
        print(d["metadata"]["name"]); json.dump(d, open(sys.argv[2] + "/" + d["metadata"]["name"] + ".json", "w"))
' "$crd" "$K8S_STATE" >"$K8S_STATE/crd-names"
		while read -r name; do
			code=$(kcurl PATCH "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name?fieldManager=chart-check&force=true" \
				-H 'Content-Type: application/apply-patch+yaml' --data-binary "@$K8S_STATE/$name.json" \
				-o "$K8S_STATE/crd-reply.json" -w '%{http_code}')
			[[ $code == 20? ]] || die "applying CRD $name: HTTP $code $(head -c 600 "$K8S_STATE/crd-reply.json")"
			echo "$name" >>"$K8S_STATE/crds-applied"
		done <"$K8S_STATE/crd-names"
	done
	local deadline=$((SECONDS + 60)) pending
	while :; do
		pending=$(kcurl GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(" ".join(i["metadata"]["name"] for i in items
      if not any(c["type"] == "Established" and c["status"] == "True" for c in (i.get("status") or {}).get("conditions") or [])))')
		[ -z "$pending" ] && break
		((SECONDS < deadline)) || die "CRDs not established within 60s: $pending"
		sleep 0.5
	done
	pass "$(sort -u "$K8S_STATE/crds-applied" | wc -l) CRDs applied and established (Dapr 1.18.3, Strimzi 1.2.0)"
	rm -f "$K8S_STATE/crds-applied"

	local -a H=("$HELM" --kubeconfig "$K8S_STATE/kubeconfig")
	for set in "${VALUE_SETS[@]}"; do
		name=${set%%:*} files=${set#*:} ns=todod-$name
		mapfile -t vargs < <(values_args "$files")
		# Hooks are left out: the migration Job would wait for a node that never comes; the Job is
		# checked by the server below instead.
		if out=$("${H[@]}" install todod "$CHART" --namespace "$ns" --create-namespace --no-hooks \
			--timeout 120s "${vargs[@]}" 2>&1); then
			n=$(kcurl GET "/api/v1/namespaces/$ns/secrets?labelSelector=owner%3Dhelm" | python3 -c '
import json, sys, base64, gzip
s = json.load(sys.stdin)["items"][0]["data"]["release"]
r = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(s))))
print(r["manifest"].count("\nkind: ") + r["manifest"].startswith("kind: "), r["info"]["status"])' 2>/dev/null || echo "? ?")
			pass "helm install ($name) into the API server: ${n#* }, ${n%% *} objects accepted"
		else
			fail "helm install ($name):"$'\n'"$out"
			continue
		fi
		# Every rendered object, hooks included (the migration Job would wait forever for a node),
		# created as a dry run with fieldValidation=Strict: unknown fields are errors there.
		"$HELM" template todod "$CHART" --namespace "todod-strict-$name" --kube-version "$KUBE_VERSION" \
			"${vargs[@]}" >"$K8S_STATE/$name.yaml"
		if out=$(python3 "$T/server_dry_run.py" "https://127.0.0.1:$K8S_APISERVER_PORT" "$K8S_STATE/apiserver.crt" \
			"$K8S_STATE/token" "todod-strict-$name" "$K8S_STATE/$name.yaml" 2>&1); then
			pass "$(tail -1 <<<"$out") ($name, hook Job included)"
		else
			fail "server dry run ($name):"$'\n'"$out"
		fi
	done

	# Upgrade: a changed setting must change the pod template (checksum annotation), i.e. roll pods.
	local before after
	dep_checksum() { kcurl GET "/apis/apps/v1/namespaces/todod-default/deployments/todod" | python3 -c '
import json, sys; print(json.load(sys.stdin)["spec"]["template"]["metadata"]["annotations"]["checksum/config"])'; }
	api_token() { kcurl GET /api/v1/namespaces/todod-default/secrets/todod-dapr-api-token | python3 -c '
import json, sys; print(json.load(sys.stdin)["data"]["token"])'; }
	local tok_before tok_after
	before=$(dep_checksum)
	tok_before=$(api_token)
	if out=$("${H[@]}" upgrade todod "$CHART" --namespace todod-default --no-hooks -f "$T/values-ci.yaml" \
		--set todod.logLevel=debug 2>&1) && after=$(dep_checksum) && [ -n "$after" ] && [ "$before" != "$after" ]; then
		pass "helm upgrade (todod.logLevel=debug): revision 2, checksum/config changed, pods would roll"
	else
		fail "helm upgrade did not change checksum/config ($before -> ${after:-?}): $out"
	fi
	# Token Secrets survive the upgrade unchanged (lookup), or daprd and todod would disagree.
	tok_after=$(api_token)
	if [ -n "$tok_before" ] && [ "$tok_before" = "$tok_after" ]; then
		pass "Dapr API token Secret kept across the upgrade (lookup)"
	else
		fail "Dapr API token changed on upgrade"
	fi

	# The server must refuse an invalid Component (CRD validation really runs).
	code=$(kcurl POST "/apis/dapr.io/v1alpha1/namespaces/todod-default/components?fieldValidation=Strict" \
		-H 'Content-Type: application/json' -o "$K8S_STATE/bad-reply.json" -w '%{http_code}' \
		--data '{"apiVersion":"dapr.io/v1alpha1","kind":"Component","metadata":{"name":"bad"},"spec":{"type":"pubsub.kafka"}}')
	if [ "$code" = 422 ]; then
		pass "server refuses a Component without version/metadata: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["message"][:160])' "$K8S_STATE/bad-reply.json")"
	else
		fail "server answered $code to an invalid Component (expected 422)"
	fi
	# ... and strict field validation is really on: a typo'd Deployment field is refused.
	if out=$(python3 "$T/server_dry_run.py" "https://127.0.0.1:$K8S_APISERVER_PORT" "$K8S_STATE/apiserver.crt" \
		"$K8S_STATE/token" todod-strict-default "$T/bad-manifests/deployment-typo.yaml" 2>&1); then
		fail "server accepted bad-manifests/deployment-typo.yaml"
	elif grep -q 'unknown field "spec.replica"' <<<"$out"; then
		pass "server refuses an unknown Deployment field: $(grep -o 'unknown field "spec.replica"' <<<"$out")"
	else
		fail "server refused deployment-typo.yaml for another reason: $out"
	fi
	"${H[@]}" uninstall todod --namespace todod-external-kafka >/dev/null 2>&1 &&
		pass "helm uninstall (external-kafka)" || fail "helm uninstall (external-kafka)"
	server_stop
	trap - EXIT
	log "server chart checks done in $((SECONDS - t))s"
}

case $what in
static) static ;;
server) server ;;
all) static && server ;;
stop)
	server_stop
	exit 0
	;;
*) die "usage: $0 [static|server|all|stop]" ;;
esac
# The summary line scripts/test.sh picks up.
echo "$passes passed, $fails failed in $((SECONDS - t_all))s"
if ((fails)); then
	log "chart checks: $fails FAILED"
	exit 1
fi
log "chart checks ($what): all passed"
