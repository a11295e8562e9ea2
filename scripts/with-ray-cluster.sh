#!/usr/bin/env bash
# Run a command beside a real two-node Ray cluster on loopback, then stop the cluster (also when
# the command fails):
#   scripts/with-ray-cluster.sh .venv/bin/python -m pytest -m ray
# The command sees the cluster's address in STORYLINE_RAY_ADDRESS (read by the tests).
#
# Ray binds its servers to every interface unless a node's address is 127.0.0.1, and turns
# 127.0.0.1 into the machine's own address when it has one. So the cluster and the command run
# in a network namespace of their own, where loopback is the only interface: nothing of the
# cluster is reachable from another machine. They run in a PID namespace of their own too, so
# `ray stop` stops this cluster and no other, and nothing outlives the command.
#   RAY          the ray executable (default: .venv/bin/ray)
#   RAY_PORT     the head's port (default: 6390)
#   RAY_STORE_MB each node's object store in MB (default: 300)
#   RAY_NODES    1 for the head alone (default: 2, a head and a worker node)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${STORYLINE_IN_RAY_NAMESPACE:-}" != 1 ]; then
    as_root=(); [ "$(id -u)" -eq 0 ] || as_root=(--map-root-user)
    STORYLINE_IN_RAY_NAMESPACE=1 exec unshare "${as_root[@]}" --net --pid --fork --mount-proc "$0" "$@"
fi
ip link set lo up
RAY="${RAY:-.venv/bin/ray}"
port="${RAY_PORT:-6390}"
store_bytes=$(( ${RAY_STORE_MB:-300} * 1024 * 1024 ))
export RAY_USAGE_STATS_ENABLED=0
trap '"$RAY" stop --force >/dev/null 2>&1 || true' EXIT
node=(--node-ip-address=127.0.0.1 --num-cpus=1 --object-store-memory="$store_bytes" --disable-usage-stats)
"$RAY" start --head --port="$port" --include-dashboard=false "${node[@]}" >&2
if [ "${RAY_NODES:-2}" -ge 2 ]; then "$RAY" start --address="127.0.0.1:$port" "${node[@]}" >&2; fi
export STORYLINE_RAY_ADDRESS="127.0.0.1:$port"
status=0
"$@" || status=$?
exit "$status"
