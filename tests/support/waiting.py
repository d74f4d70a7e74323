"""The one way tests wait: poll with a deadline, so no wait spins forever."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """An AssertionError, so a wait that timed out is a test failure."""


def wait_until(
    predicate: Callable[[], T], *, timeout: float, interval: float = 0.1, message: str | Callable[[], str]
) -> T:
    """The first truthy value of ``predicate``; WaitTimeout after ``timeout`` s (``message`` called
    only then, e.g. for a log's tail); the predicate's own exceptions propagate at once."""
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
