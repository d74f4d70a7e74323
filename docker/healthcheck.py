"""Container healthcheck (no curl in slim images).

Usage:
  python3 healthcheck.py [PATH]                  exit 0 when the service answers 200 on PATH
                                                 (default /health; port from $PORT)
  python3 healthcheck.py --heartbeat FILE SECS   exit 0 when FILE was touched in the last SECS
                                                 seconds (the enrich runner writes it every pass)
"""

import os
import sys
import time
import urllib.request

if len(sys.argv) == 4 and sys.argv[1] == "--heartbeat":
    path, max_age = sys.argv[2], float(sys.argv[3])
    try:
        age = time.time() - os.stat(path).st_mtime
    except OSError as exc:
        print(f"unhealthy: no heartbeat: {exc}", file=sys.stderr)
        sys.exit(1)
    if age > max_age:
        print(f"unhealthy: last heartbeat {age:.0f}s ago (limit {max_age:.0f}s): {path}", file=sys.stderr)
        sys.exit(1)
    sys.exit(0)

path = sys.argv[1] if len(sys.argv) > 1 else "/health"
url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}{path}"
# "localhost" is in every ALLOWED_HOSTS this project configures.
request = urllib.request.Request(url, headers={"Host": "localhost", "Accept": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 (fixed http URL)
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure is "unhealthy"
    print(f"unhealthy: {url}: {exc}", file=sys.stderr)
    sys.exit(1)
