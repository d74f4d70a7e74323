from django.apps import AppConfig


class ConfigAppConfig(AppConfig):
    name = "config"
    label = "project_config"
    verbose_name = "Configuración"

    def ready(self):
        from . import checks  # noqa: F401 (registers them)
