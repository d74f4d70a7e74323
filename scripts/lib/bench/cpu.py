"""CPU time of a service's gunicorn processes, read from /proc.

What a request costs the server: much steadier than req/s when other work shares the machine.
"""

import os
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def ticks(service) -> dict[int, int]:
    """CPU ticks (user + system) used so far by each process of the service's process group (the
    gunicorn master leads it), by pid; empty for no service or a stopped one."""
    if service is None or service.proc is None or service.proc.poll() is not None:
        return {}
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # the process ended meanwhile
            continue
        if int(fields[2]) == service.proc.pid:  # pgrp
            found[int(stat.parent.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return found


def used(before: dict[int, int], after: dict[int, int]) -> dict[int, int]:
    """Ticks each process used between two ``ticks`` readings."""
    return {pid: n - before.get(pid, 0) for pid, n in after.items()}


def seconds(spent: dict[int, int]) -> float:
    return sum(spent.values()) / TICKS_PER_SECOND


def worker_share(service, spent: dict[int, int]) -> float | None:
    """How evenly the workers shared the work: the least busy one's ticks over the busiest one's
    (None: a single worker, or none busy). Keep-alive pins each wrk connection to the worker that
    accepted it, and now and then one worker accepts nearly all of them."""
    workers = [n for pid, n in spent.items() if pid != service.proc.pid]
    return min(workers) / max(workers) if len(workers) > 1 and max(workers) else None
