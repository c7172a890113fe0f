#!/usr/bin/env bash
# Process start-up, procpool beside Python's multiprocessing, in one invocation.
#   bench/process-startup.sh [n]          (default n=50; needs JDK 25 as JAVA_HOME or java, and python3)
# Builds the jar if needed, then for each worker start-up configuration starts the service,
# measures POST->running and create->exited of `echo` processes, and stops it; last, runs
# ../shared/bench/python_mp_baseline.py section 1 (Process start+join per start method).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=$(ls target/procpool-*.jar 2>/dev/null | head -1 || true)
if [ -z "$JAR" ]; then ./mvnw -q -B -DskipTests package; JAR=$(ls target/procpool-*.jar | head -1); fi
PORT=18080
CACHE=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$CACHE"' EXIT

run() {  # label, pause between processes (ms), then service options
  local label=$1 gap=$2; shift 2
  "$JAVA" -jar "$JAR" --server.port=$PORT --procpool.worker.cache-dir="$CACHE" --logging.level.root=WARN "$@" > /tmp/procpool-bench.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do
    curl -sf localhost:$PORT/actuator/health/workers > /tmp/procpool-health.json 2>/dev/null && break; sleep 0.5
  done
  # let the AOT training run (if any) and the spares finish before measuring
  for _ in $(seq 1 120); do
    curl -sf localhost:$PORT/actuator/health/workers > /tmp/procpool-health.json
    if [[ "$*" == *aot-cache=false* ]] || grep -q '"aotCache":true' /tmp/procpool-health.json; then break; fi; sleep 0.5
  done
  sleep 2
  "$JAVA" bench/ProcessStartupBench.java http://localhost:$PORT "$N" "$label" "$gap"
  kill $pid; wait $pid 2>/dev/null || true
}

echo "== procpool (echo, $N sequential processes, through HTTP; 'back to back' = 20 ms between one exit and the next create) =="
run "no AOT cache, no spare"              20 --procpool.worker.aot-cache=false --procpool.worker.spares=0
run "AOT cache, no spare"                 20 --procpool.worker.aot-cache=true  --procpool.worker.spares=0
run "AOT, 1 spare, back to back"          20 --procpool.worker.aot-cache=true  --procpool.worker.spares=1
run "AOT, 2 spares (default), back to back" 20 --procpool.worker.aot-cache=true  --procpool.worker.spares=2
run "AOT, 2 spares (default), 0.5 s apart" 500 --procpool.worker.aot-cache=true --procpool.worker.spares=2

echo
echo "== Python multiprocessing (../shared/bench/python_mp_baseline.py --only 1) =="
python3 ../shared/bench/python_mp_baseline.py --only 1 --out /tmp/py-startup.json > /dev/null
python3 - <<'PY'
import json
d = json.load(open('/tmp/py-startup.json'))
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in ('fork', 'spawn', 'forkserver') and isinstance(v, dict) and 'ms_per_process' in v:
                m = v['ms_per_process']
                print("%-40s start+join per process: median %6.1f ms  (min %.1f, max %.1f, n=%d runs of 20)" % (
                    "Python " + k, m['median'], m['min'], m['max'], m['n']))
            else:
                find(v)
find(d)
PY
