# Pinned versions and paths of the Kubernetes tools (scripts/install-k8s-tools.sh builds them).
# Source it; do not run it. Every version here is written in charts/todod/README.md too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELM_VERSION=${HELM_VERSION:-v4.3.2}
KUBECONFORM_VERSION=${KUBECONFORM_VERSION:-v0.8.0}
KUBE_VERSION=${KUBE_VERSION:-v1.37.2}  # kube-apiserver; also the --kube-version of helm template
ETCD_VERSION=${ETCD_VERSION:-v3.7.3}

K8S_CACHE=$TODOD_CACHE/k8s
HELM=$K8S_CACHE/helm-$HELM_VERSION/helm
KUBECONFORM=$K8S_CACHE/kubeconform-$KUBECONFORM_VERSION/kubeconform
KUBE_APISERVER=$K8S_CACHE/kubernetes-$KUBE_VERSION/kube-apiserver
ETCD=$K8S_CACHE/etcd-$ETCD_VERSION/etcd

# The Dapr and Strimzi CRDs (upstream files, kept outside the project; see its README).
# A clone elsewhere (CI) falls back to the machine's copy in /work/shared.
if [ -z "${CRD_DIR:-}" ]; then
	CRD_DIR=$TODOD_ROOT/../shared/reference/crds
	[ -d "$CRD_DIR" ] || CRD_DIR=/work/shared/reference/crds
fi

export HELM_VERSION KUBECONFORM_VERSION KUBE_VERSION ETCD_VERSION K8S_CACHE HELM KUBECONFORM \
	KUBE_APISERVER ETCD CRD_DIR
