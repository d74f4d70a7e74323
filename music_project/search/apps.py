from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        from config import checks  # noqa: F401 (registers the deployment checks of our secrets)
