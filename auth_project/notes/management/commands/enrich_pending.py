"""Enrich notes saved "pendiente"."""

import logging
import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from musica_kit.metrics import serve_metrics
from musica_kit.secrets import require_strong_secrets
from notes.enrichment import notes_enrich_pending
from notes.idempotency import idempotency_keys_purge
from notes.metrics import RUNNER_NOTES, RUNNER_PASSES

logger = logging.getLogger("notes.enrich_pending")


class Command(BaseCommand):
    help = "Enrich pending notes once, or keep doing it with --loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running until SIGTERM/SIGINT")
        parser.add_argument("--interval", type=float, default=settings.ENRICH_INTERVAL)
        parser.add_argument("--batch", type=int, default=settings.ENRICH_BATCH_SIZE)

    def handle(self, *args, loop: bool, interval: float, batch: int, **options):
        require_strong_secrets()  # for call_command and django-admin too
        stop = threading.Event()
        if loop:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            logger.info("enrich runner started", extra={"interval_s": interval, "batch": batch})
            if settings.METRICS_TOKEN:  # the runner is a process of its own
                port = settings.ENRICH_METRICS_PORT
                try:
                    serve_metrics(port)
                except OSError as exc:  # a taken port costs the runner its metrics, not its work
                    logger.warning("runner metrics not served", extra={"port": port, "reason": str(exc)})
        while not stop.is_set():
            if purged := idempotency_keys_purge():  # one indexed DELETE
                logger.info("expired idempotency keys deleted", extra={"deleted": purged})
            if loop and settings.ENRICH_HEARTBEAT_FILE:
                Path(settings.ENRICH_HEARTBEAT_FILE).touch()
            counts = notes_enrich_pending(limit=batch)
            RUNNER_PASSES.inc()
            for outcome, notes in counts.items():
                RUNNER_NOTES.labels(outcome).inc(notes)
            if any(counts.values()):
                logger.info("enrich pass", extra=counts)
            if not loop:
                self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
                return
            if counts["ok"] + counts["sin_resultados"] < batch:  # after a full batch more may be waiting
                stop.wait(interval)
        logger.info("enrich runner stopped")
