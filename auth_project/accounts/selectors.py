from django.contrib.auth import get_user_model

from .usernames import username_key


def username_taken(*, username: str, exclude_pk=None) -> bool:
    users = get_user_model()._default_manager.filter(username_key=username_key(username))
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()
