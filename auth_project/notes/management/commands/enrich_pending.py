"""Enrich notes saved "pendiente" because music (or Spotify) was unavailable."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from config.secrets import require_strong_secrets
from notes.services import notes_enrich_pending

logger = logging.getLogger("notes.enrich_pending")


class Command(BaseCommand):
    help = "Enrich pending notes once, or keep doing it with --loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running until SIGTERM/SIGINT")
        parser.add_argument("--interval", type=float, default=settings.ENRICH_INTERVAL)
        parser.add_argument("--batch", type=int, default=settings.ENRICH_BATCH_SIZE)

    def handle(self, *args, loop: bool, interval: float, batch: int, **options):
        require_strong_secrets()  # manage.py checks first; this covers call_command/django-admin
        stop = threading.Event()
        if loop:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            logger.info("enrich runner started", extra={"interval_s": interval, "batch": batch})
        while True:
            counts = notes_enrich_pending(limit=batch)
            if any(counts.values()):
                logger.info("enrich pass", extra=counts)
            if not loop:
                self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
                return
            # A full batch of successes means more may be waiting: go again at once.
            if counts["ok"] + counts["sin_resultados"] < batch and stop.wait(interval):
                break
            if stop.is_set():
                break
        logger.info("enrich runner stopped")
