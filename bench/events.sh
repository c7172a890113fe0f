#!/usr/bin/env bash
# What watching costs: map(square, 100,000 ints) on Pool(2) with nobody on /api/events, with one
# reading client, with 32, and beside a client that never reads; Python's Pool(2).map of the same
# work in the same invocation for scale.
#   bench/events.sh      (needs JDK 25 as JAVA_HOME or java, and python3; ~2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18089
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT
source bench/service.sh
start_service $PORT
"$JAVA" bench/EventsBench.java http://localhost:$PORT > "$OUT/procpool.txt"
kill $service_pid; wait $service_pid 2>/dev/null || true

python3 ../shared/bench/python_mp_baseline.py --only 3 --out "$OUT/py.json" > /dev/null 2> "$OUT/py.log"
python3 - "$OUT/procpool.txt" "$OUT/py.json" <<'PY'
import json, sys
pp = {k: float(v) for k, v in (line.split() for line in open(sys.argv[1]))}
d = json.load(open(sys.argv[2]))
r = d.get('results', d)
big = next(v for k, v in r['3_pool_map_and_creation']['map'].items() if k.startswith('N=100000'))
py = "%.1f ms" % big['wall_ms']['median']
rows = [
    ("map(square, 100,000 ints), Pool(2): nobody watching", "%.1f ms" % pp['map_no_stream_ms'], py),
    ("  ... one client on /api/events", "%.1f ms" % pp['map_one_stream_ms'], ""),
    ("      events and bytes it received per map", "%.1f events, %.0f bytes" % (pp['events_per_map'], pp['event_bytes_per_map']), ""),
    ("  ... 32 clients on /api/events", "%.1f ms" % pp['map_32_streams_ms'], ""),
    ("  ... one reading client beside one that never reads", "%.1f ms" % pp['map_beside_stuck_client_ms'], ""),
    ("  ... nobody watching, again at the end", "%.1f ms" % pp['map_no_stream_again_ms'], ""),
]
print("| what | procpool (through HTTP + JSON) | Python multiprocessing (in process) |")
print("|---|---|---|")
for name, a, b in rows:
    print("| %s | %s | %s |" % (name, a, b))
PY
