#!/usr/bin/env bash
# The load run: 200 concurrent clients doing apply-async + result long polls for 60 s against one service.
#   bench/load.sh [clients] [seconds]     (needs JDK 25 as JAVA_HOME or java; ~2 minutes)
# Prints throughput, p50/p99 and the answers by status from bench/LoadRun.java, the manager's peak
# used heap (sampled every 2 s with jcmd), and what is left afterwards: heap after a full GC,
# live threads, worker JVMs and kept results, before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-200}
SECONDS_RUN=${2:-60}
PORT=18093
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT
source bench/service.sh
start_service $PORT
JCMD=${JAVA_HOME:+$JAVA_HOME/bin/}jcmd
used() { "$JCMD" $service_pid GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+'; }
settled() {
  "$JCMD" $service_pid GC.run > /dev/null; sleep 1
  echo "heap_after_full_gc_kb $(used)"
  echo "live_threads $("$JCMD" $service_pid Thread.print 2>/dev/null | grep -c '^"')"
  echo "worker_jvms $(pgrep -P $service_pid -c java || true)"
}
settled > "$OUT/before.txt"
( peak=0; while kill -0 $service_pid 2>/dev/null; do u=$(used || echo 0); [ "${u:-0}" -gt "$peak" ] && peak=$u && echo $peak > "$OUT/peak.txt"; sleep 2; done ) &
"$JAVA" bench/LoadRun.java http://localhost:$PORT "$CLIENTS" "$SECONDS_RUN" > "$OUT/load.txt"
sleep 5
settled > "$OUT/after.txt"
echo "clients $CLIENTS, $SECONDS_RUN s"
cat "$OUT/load.txt"
echo "peak_used_heap_kb $(cat "$OUT/peak.txt" 2>/dev/null || echo '?')"
echo "before: $(tr '\n' ' ' < "$OUT/before.txt")"
echo "after:  $(tr '\n' ' ' < "$OUT/after.txt")"
kill $service_pid; wait $service_pid 2>/dev/null || true
