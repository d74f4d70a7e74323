"""The one way tests wait for something: poll a predicate until it holds, with a deadline, so no
wait can spin forever (pytest-timeout, ``timeout`` in each tests/*/pytest.ini, is the backstop)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """A condition a test waited for did not hold before its deadline (reported as a test failure)."""


def wait_until(
    predicate: Callable[[], T], *, timeout: float, interval: float = 0.1, message: str | Callable[[], str]
) -> T:
    """Call ``predicate`` (at once, then every ``interval`` s) until it returns something truthy, and
    return that; after ``timeout`` s raise WaitTimeout with ``message`` (a callable is called only
    then, e.g. to attach a log's tail). An exception raised by ``predicate`` propagates at once."""
    if interval <= 0:
        raise ValueError("interval must be positive")
    started = time.monotonic()
    deadline = started + max(timeout, 0.0)
    while True:
        value = predicate()
        if value:
            return value
        now = time.monotonic()
        if now >= deadline:
            text = message() if callable(message) else message
            raise WaitTimeout(f"{text} (gave up after {now - started:.1f} s; timeout {timeout:g} s)")
        time.sleep(min(interval, deadline - now))
