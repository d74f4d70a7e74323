from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's own user model, started on day one so it can grow without a migration war."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
