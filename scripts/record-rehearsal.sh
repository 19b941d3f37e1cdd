#!/usr/bin/env bash
# Records the rehearsal shipped with ObsLab (resources/rehearsals/tracing-jaeger.ndjson) by really
# running the built-in lab — `obslab lab run tracing-jaeger --yes --record FILE`, the real kubectl
# and the stand-in istioctl — against the simulated mesh of tests/sim (test equipment, not a
# cluster; the recording says so), then replays it with `obslab rehearse` to prove it plays and
# shows a trace id.
#
#   scripts/record-rehearsal.sh [--build DIR] [--obslab PATH] [--out FILE] [--lab ID]
#
# Needs python3 and kubectl. Build first: cmake --build build/dev --target obslab
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$src/build/dev"
out="$src/resources/rehearsals/tracing-jaeger.ndjson"
lab="tracing-jaeger"
obslab=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build) build="$2"; shift 2 ;;
        --obslab) obslab="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --lab) lab="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "record-rehearsal: unknown option $1" >&2; exit 2 ;;
    esac
done
obslab="${obslab:-$build/bin/obslab}"
[[ -x "$obslab" ]] || { echo "record-rehearsal: $obslab is missing: build it first" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "record-rehearsal: no kubectl on PATH" >&2; exit 1; }
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

# The recording shows commands as a person types them: kubectl and istioctl found on PATH (the
# stand-in istioctl lives in tests/sim), the kubeconfig through the environment, a throw-away HOME.
export PATH="$src/tests/sim:$PATH" KUBECONFIG="$work/sim/kubeconfig" HOME="$work/home"
mkdir -p "$HOME" "$(dirname "$out")"
# The sim serves no port-forward: the Jaeger checks use the stand-in Jaeger's URL directly.
"$obslab" lab run "$lab" --yes --context obslab-sim --istioctl istioctl --jaeger-url "$jaeger" \
    --record "$out" >"$work/run.txt" || { cat "$work/run.txt" >&2; exit 1; }
tail -n 3 "$work/run.txt"
# Paths into this checkout (the lab's IstioOperator file) are shown relative to the source tree.
sed -i "s#$src/##g" "$out"

# The recording must replay without a cluster and show a trace id.
"$obslab" rehearse "$out" >"$work/replay.txt" || { cat "$work/replay.txt" >&2; exit 1; }
grep -q '^Trace ids seen: ' "$work/replay.txt" || { cat "$work/replay.txt" >&2; exit 1; }
grep -q 'simulated mesh' "$work/replay.txt"
echo "record-rehearsal: $out replays ($(grep -c '^\$ ' "$work/replay.txt") commands)"
