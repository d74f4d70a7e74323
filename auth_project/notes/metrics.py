"""auth's note metrics (served by musica_kit.metrics)."""

import threading
import time

from django.utils import timezone
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily

from .selectors import pending_notes_summary

NOTES_CREATED = Counter(
    "musica_notes_created_total", "Notes created, by their enrichment state then.", ["enriquecimiento"]
)
MUSIC_LOOKUPS = Counter(
    "musica_music_lookups_total",
    "Song lookups in music, by outcome: cache_hit (auth's HTTP cache), answered, not_found, "
    "unavailable, incompleta.",
    ["outcome"],
)
RUNNER_PASSES = Counter("musica_runner_passes_total", "Passes of the enrichment runner.")
RUNNER_NOTES = Counter("musica_runner_notes_total", "Notes the runner handled, by outcome.", ["outcome"])
PENDING_CACHE_SECONDS = 5.0  # the pending gauges read the database at most this often per worker


class PendingNotesCollector:
    """Computed by the worker that answers the scrape: one value, not a sum over workers."""

    def __init__(self):
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self._values = (0, 0.0)

    def collect(self):
        with self._lock:
            if time.monotonic() - self._read_at >= PENDING_CACHE_SECONDS:
                count, oldest = pending_notes_summary()
                age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
                self._values, self._read_at = (count, age), time.monotonic()
        count, age = self._values
        yield GaugeMetricFamily("musica_notes_pending", "Notes waiting for their photo.", value=count)
        yield GaugeMetricFamily(
            "musica_notes_pending_oldest_age_seconds", "Age of the oldest pending note (0: none).", value=age
        )
