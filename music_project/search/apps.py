from django.core.checks import Tags, register

from musica_kit.secrets import secret_warnings


# Django imports an app's apps.py while loading it, so the check is registered with no AppConfig here.
@register(Tags.security, deploy=True)
def check_secrets(app_configs, **kwargs):
    return secret_warnings({"DJANGO_SECRET_KEY": "music.W002", "MUSIC_SERVICE_TOKEN": "music.W001"})
