"""Circuit breaker (auth before music, music per provider), per process: nothing on the hot path."""

import logging
import threading
import time

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, *, threshold: int, cooldown: float, name: str = "music"):
        self.name = name
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self._failures = 0
        self._retry_at: float | None = None  # monotonic time the probe may go; None: closed
        self._probing = False
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            if self._retry_at is None:
                return True
            if self._probing or time.monotonic() < self._retry_at:
                return False
            self._probing = True  # this caller is the probe
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures, self._retry_at, self._probing = 0, None, False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self.threshold:
                if self._retry_at is None or self._probing:
                    logger.warning(f"{self.name} breaker open", extra={"failures": self._failures})
                self._retry_at, self._probing = time.monotonic() + self.cooldown, False

    def trip(self, seconds: float) -> None:
        with self._lock:
            self._failures = max(self._failures + 1, self.threshold)
            self._retry_at, self._probing = time.monotonic() + max(seconds, 0), False
        logger.warning(f"{self.name} breaker open", extra={"retry_after": round(seconds, 1)})

    @property
    def state(self) -> str:
        with self._lock:
            if self._retry_at is None:
                return "closed"
            if self._probing or time.monotonic() < self._retry_at:
                return "open"
            return "half_open"

    def retry_in(self) -> float:
        with self._lock:
            return 0.0 if self._retry_at is None else max(self._retry_at - time.monotonic(), 0.0)
