#!/usr/bin/env bash
# Pools, procpool beside Python's multiprocessing Pool(2), in one invocation.
#   bench/pool.sh        (needs JDK 25 as JAVA_HOME or java, and python3; ~3 minutes)
# Builds the jar if needed, starts the service, runs bench/PoolBench.java against it, stops it,
# then runs ../shared/bench/python_mp_baseline.py sections 3, 4 and 5 and prints both side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18081
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT
source bench/service.sh
start_service $PORT
"$JAVA" bench/PoolBench.java http://localhost:$PORT > "$OUT/procpool.txt"
python3 bench/pool_client.py http://localhost:$PORT default >> "$OUT/procpool.txt"
kill $service_pid; wait $service_pid 2>/dev/null || true

python3 ../shared/bench/python_mp_baseline.py --only 3,4,5 --out "$OUT/py.json" > /dev/null 2> "$OUT/py.log"
python3 - "$OUT/procpool.txt" "$OUT/py.json" <<'PY'
import json, sys
pp = dict(line.split() for line in open(sys.argv[1]))
pp = {k: float(v) for k, v in pp.items()}
d = json.load(open(sys.argv[2]))
r = d.get('results', d)
m = r['3_pool_map_and_creation']['map']
def med(o): return o['median']
big = next(v for k, v in m.items() if k.startswith('N=100000'))
c1 = next(v for k, v in m.items() if k.startswith('N=10000,chunksize=1'))
ap = r['4_pool_apply_latency']['apply']
cpu = r['5_cpu_bound_speedup']
rows = [
    ("(a) map(square, 100,000 ints), Pool(2): wall", "%.1f ms" % pp['map_100k_ms'], "%.1f ms" % med(big['wall_ms'])),
    ("(a) ... throughput", "%.2f M items/s" % (pp['map_100k_items_per_s'] / 1e6), "%.2f M items/s" % (med(big['tasks_per_s']) / 1e6)),
    ("    ... the same map from a Python http.client keep-alive client (pool 'default')", "%.1f ms" % pp['map_100k_python_client_ms'], ""),
    ("    map(square, 10,000 ints, chunksize=1): wall", "%.1f ms" % pp['map_10k_chunksize1_ms'], "%.1f ms" % med(c1['wall_ms'])),
    ("(b) apply round trip p50", "%.0f us" % pp['apply_p50_us'], "%.0f us" % med(ap['p50'])),
    ("(b) apply round trip p99", "%.0f us" % pp['apply_p99_us'], "%.0f us" % med(ap['p99'])),
    ("(c) count_primes, 16 chunks, Pool(1)", "%.2f s" % pp['primes_pool1_s'], "%.2f s" % med(cpu['Pool(1)_map_s'])),
    ("(c) count_primes, 16 chunks, Pool(2)", "%.2f s" % pp['primes_pool2_s'], "%.2f s" % med(cpu['Pool(2)_map_s'])),
    ("(c) speed-up Pool(1) -> Pool(2)", "%.2fx" % pp['primes_speedup'], "%.2fx" % med(cpu['speedup_Pool1_over_Pool2'])),
]
print("| what | procpool (through HTTP + JSON) | Python multiprocessing (in process) |")
print("|---|---|---|")
for name, a, b in rows:
    print("| %s | %s | %s |" % (name, a, b))
PY
