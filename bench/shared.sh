#!/usr/bin/env bash
# Shared memory, procpool beside Python's multiprocessing.Value, in one invocation.
#   bench/shared.sh      (needs JDK 25 as JAVA_HOME or java, and python3; ~2 minutes)
# Builds the jar if needed, starts the service, runs bench/SharedBench.java against it, stops it,
# then runs section 7 of ../shared/bench/python_mp_baseline.py and prints both side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18083
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT
source bench/service.sh
start_service $PORT
"$JAVA" bench/SharedBench.java http://localhost:$PORT > "$OUT/procpool.txt"
kill $service_pid; wait $service_pid 2>/dev/null || true

python3 ../shared/bench/python_mp_baseline.py --only 7 --out "$OUT/py.json" > /dev/null 2> "$OUT/py.log"
python3 - "$OUT/procpool.txt" "$OUT/py.json" <<'PY'
import json, sys
pp = {k: float(v) for k, v in (line.split() for line in open(sys.argv[1]))}
d = json.load(open(sys.argv[2]))
r = d.get('results', d)['7_shared_value']
locked = r['locked']
py_ops = locked['ops_per_s']['median']
rows = [
    ("2 processes x increments of Value('i') under its lock", "2 x 1,000,000", "2 x %d" % (locked['expected'] // 2)),
    ("  wall, process start and join included", "%.0f ms" % pp['value_locked_wall_ms'], "%.0f ms" % locked['wall_ms']['median']),
    ("  ops/s (from that wall)", "%.2f M" % (pp['value_locked_ops_per_s'] / 1e6), "%.2f M" % (py_ops / 1e6)),
    ("  ops/s inside the tasks", "%.2f M" % (pp['value_locked_in_task_ops_per_s'] / 1e6), ""),
    ("  final count exact", "yes, every run" if pp['value_locked_final_exact'] == 1 else "NO", "yes" if locked['all_correct'] else "NO"),
    ("  procpool / Python (wall ops/s)", "%.1fx" % (pp['value_locked_ops_per_s'] / py_ops), ""),
    ("the same on two workers of a Pool(2) (starmap, a chunk each): wall", "%.0f ms" % pp['value_locked_pool_wall_ms'], ""),
    ("  ops/s (from that wall)", "%.2f M" % (pp['value_locked_pool_ops_per_s'] / 1e6), "%.2f M" % (py_ops / 1e6)),
    ("  procpool / Python (wall ops/s)", "%.1fx" % (pp['value_locked_pool_ops_per_s'] / py_ops), ""),
    ("contended lock hand-off between two workers, p50", "%.1f us" % pp['lock_handoff_p50_us'], ""),
    ("contended lock hand-off between two workers, p99", "%.1f us" % pp['lock_handoff_p99_us'], ""),
]
print("| what | procpool (workers in JVMs, driven over HTTP) | Python multiprocessing |")
print("|---|---|---|")
for name, a, b in rows:
    print("| %s | %s | %s |" % (name, a, b))
PY
