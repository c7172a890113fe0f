#!/usr/bin/env python3
"""procpool's map(square, range(100_000)) from a Python client, as a Python user would call it.

Usage: python3 bench/pool_client.py http://localhost:8080 POOL
Sends json.dumps's own output (", " separators) over one http.client keep-alive connection:
20 warm-up calls, then prints the median wall time of 30 as `map_100k_python_client_ms <ms>`.
The answer is checked but not parsed (json.loads of 1 MB would time Python's JSON, not procpool).
"""
import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlparse

base = urlparse(sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080")
pool = sys.argv[2] if len(sys.argv) > 2 else "default"
body = json.dumps({"target": "square", "iterable": list(range(100_000))}).encode()
expected_start = b'{"value":[0,1,4,9,'
conn = http.client.HTTPConnection(base.hostname, base.port)
times = []
for i in range(50):
    t0 = time.perf_counter()
    conn.request("POST", f"/api/pools/{pool}/map", body, {"Content-Type": "application/json"})
    resp = conn.getresponse()
    answer = resp.read()
    took = (time.perf_counter() - t0) * 1000
    if resp.status != 200 or not answer.startswith(expected_start) or not answer.endswith(b"9999800001]}"):
        raise SystemExit(f"unexpected answer {resp.status}: {answer[:200]!r}")
    if i >= 20:
        times.append(took)
print("map_100k_python_client_ms %.3f" % statistics.median(times))
