from django.apps import AppConfig


class ConfigAppConfig(AppConfig):
    """The project's own package as an app, so its system checks are registered at start-up."""

    name = "config"
    label = "project_config"
    verbose_name = "Configuración"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
