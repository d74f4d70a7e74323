"""Container healthcheck: exit 0 when the service answers 200 on /health (no curl in slim images).

Usage: python3 healthcheck.py [PATH]   (default /health; port from $PORT)
"""

import os
import sys
import urllib.request

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
