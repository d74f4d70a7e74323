"""Healthy when something accepts TCP connections on 127.0.0.1:PORT (the proxy, PostgreSQL, Redis)."""

import socket
import sys

try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
except OSError as exc:
    print(f"unhealthy: 127.0.0.1:{sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
