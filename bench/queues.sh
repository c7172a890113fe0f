#!/usr/bin/env bash
# Queues and pipes, procpool beside Python's multiprocessing Queue and Pipe, in one invocation.
#   bench/queues.sh      (needs JDK 25 as JAVA_HOME or java, and python3; ~3 minutes)
# Builds the jar if needed, starts the service, runs bench/QueueBench.java against it, stops it,
# then runs section 6 of ../shared/bench/python_mp_baseline.py and prints both side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18087
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT
source bench/service.sh
start_service $PORT
"$JAVA" bench/QueueBench.java http://localhost:$PORT > "$OUT/procpool.txt"
kill $service_pid; wait $service_pid 2>/dev/null || true

python3 ../shared/bench/python_mp_baseline.py --only 6 --out "$OUT/py.json" > /dev/null 2> "$OUT/py.log"
python3 - "$OUT/procpool.txt" "$OUT/py.json" <<'PY'
import json, sys
pp = {k: float(v) for k, v in (line.split() for line in open(sys.argv[1]))}
d = json.load(open(sys.argv[2]))
r = d.get('results', d)['6_queue_and_pipe']
q = r['queue']
pipe = r['pipe_pingpong_send_recv_int']
py_total = q['items_per_s_incl_process_start']['median']
py_steady = q['items_per_s_first_to_last']['median']
rows = [
    ("one worker puts 100,000 ints, the client gets them: items/s incl. process start",
     "%.0f k" % (pp['queue_drain_items_per_s_incl_process_start'] / 1e3), "%.0f k" % (py_total / 1e3)),
    ("  ... first item to last", "%.0f k" % (pp['queue_drain_items_per_s_first_to_last'] / 1e3), "%.0f k" % (py_steady / 1e3)),
    ("a queue between two workers, 100,000 ints: items/s incl. both process starts",
     "%.0f k" % (pp['queue_between_workers_items_per_s'] / 1e3), "(Python: the figure above)"),
    ("  ... inside the consumer", "%.0f k" % (pp['queue_between_workers_consumer_items_per_s'] / 1e3), ""),
    ("the same between the two workers of a Pool(2) (apply-async of each, at once)", "%.0f k" % (pp['queue_between_pool_workers_items_per_s'] / 1e3),
     "%.0f k" % (py_total / 1e3)),
    ("pipe ping-pong between two workers, round trip p50", "%.0f us" % pp['pipe_pingpong_p50_us'], "%.0f us" % pipe['p50']['median']),
    ("  ... p99", "%.0f us" % pp['pipe_pingpong_p99_us'], "%.0f us" % pipe['p99']['median']),
]
print("| what | procpool (workers in JVMs, client over HTTP) | Python multiprocessing (parent is the client) |")
print("|---|---|---|")
for name, a, b in rows:
    print("| %s | %s | %s |" % (name, a, b))
PY
