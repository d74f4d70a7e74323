from django.apps import AppConfig
from django.core.checks import Tags, register

from musica_kit.secrets import secret_warnings


@register(Tags.security, deploy=True)
def check_secrets(app_configs, **kwargs):
    return secret_warnings({"DJANGO_SECRET_KEY": "music.W002", "MUSIC_SERVICE_TOKEN": "music.W001"})


class SearchConfig(AppConfig):
    name = "search"
