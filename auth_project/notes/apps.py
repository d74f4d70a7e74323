from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = "Notas"

    def ready(self):
        from musica_kit.metrics import scrape_collectors

        from .metrics import PendingNotesCollector

        scrape_collectors.append(PendingNotesCollector())
