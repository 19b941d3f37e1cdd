#!/usr/bin/env bash
# Records the rehearsal shipped with ObsLab (resources/rehearsals/istio-tracing.ndjson) by really
# running the tracing workshop's commands — the real kubectl and the stand-in istioctl — against
# the simulated mesh of tests/sim (test equipment, not a cluster; the recording says so), then
# replays it with `obslab rehearse` to prove it plays and shows a trace id.
#
#   scripts/record-rehearsal.sh [--build DIR] [--out FILE] [--kubectl PATH]
#   (--recorder PATH and --obslab PATH override the binaries found in the build directory)
#
# Needs python3 and kubectl. Build first: cmake --build build/dev --target obslab obslab_record_rehearsal
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$src/build/dev"
out="$src/resources/rehearsals/istio-tracing.ndjson"
kubectl="$(command -v kubectl || true)"
recorder=""
obslab=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build) build="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --kubectl) kubectl="$2"; shift 2 ;;
        --recorder) recorder="$2"; shift 2 ;;
        --obslab) obslab="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "record-rehearsal: unknown option $1" >&2; exit 2 ;;
    esac
done
recorder="${recorder:-$build/tests/obslab_record_rehearsal}"
obslab="${obslab:-$build/bin/obslab}"
for f in "$recorder" "$obslab"; do
    [[ -x "$f" ]] || { echo "record-rehearsal: $f is missing: build it first" >&2; exit 1; }
done
[[ -n "$kubectl" ]] || { echo "record-rehearsal: no kubectl on PATH" >&2; exit 1; }
command -v python3 >/dev/null || { echo "record-rehearsal: python3 is needed for the sim" >&2; exit 1; }

work="$(mktemp -d)"
sim_pid=""
cleanup() {
    if [[ -n "$sim_pid" ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

python3 "$src/tests/sim/obslab-sim" --scenario workshop-start --state-dir "$work/sim" \
    --ignore-stdin >"$work/sim.out" 2>"$work/sim.err" </dev/null &
sim_pid=$!
for _ in $(seq 1 300); do
    grep -q '^READY ' "$work/sim.out" 2>/dev/null && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.err" >&2; exit 1; }
    sleep 0.1
done
grep -q '^READY ' "$work/sim.out" || { echo "record-rehearsal: the sim did not start" >&2; exit 1; }
jaeger="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jaeger_ui"])' "$work/sim/ports.json")"

mkdir -p "$(dirname "$out")"
"$recorder" --kubeconfig "$work/sim/kubeconfig" --kubectl "$kubectl" \
    --istioctl "$src/tests/sim/istioctl" --jaeger "$jaeger" \
    --manifests "$src/tests/sim/manifests" --out "$out"

# The recording must replay without a cluster and show a trace id.
"$obslab" rehearse "$out" >"$work/replay.txt"
grep -q '^Trace ids seen: ' "$work/replay.txt" || { cat "$work/replay.txt" >&2; exit 1; }
grep -q 'simulated mesh' "$work/replay.txt"
echo "record-rehearsal: $out replays ($(grep -c '^\$ ' "$work/replay.txt") commands)"
