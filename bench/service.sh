# Sourced by the bench scripts: start_service PORT starts the packaged service (building the jar if
# needed) with its log in $OUT/service.log, waits until it is healthy and its workers' AOT cache is
# trained (the first start of a new build spends a few CPU-seconds on it), and sets $service_pid.
start_service() {
  local port=$1
  JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
  JAR=$(ls target/procpool-*.jar 2>/dev/null | head -1 || true)
  if [ -z "$JAR" ]; then ./mvnw -q -B -DskipTests package; JAR=$(ls target/procpool-*.jar | head -1); fi
  "$JAVA" -jar "$JAR" --server.port="$port" --logging.level.root=WARN > "$OUT/service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 120); do curl -sf "localhost:$port/actuator/health" >/dev/null 2>&1 && break; sleep 0.5; done
  for _ in $(seq 1 240); do curl -sf "localhost:$port/actuator/health/workers" 2>/dev/null | grep -q '"aotCache":true' && break; sleep 0.5; done
  sleep 3
}
