from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models

from .usernames import is_mixed_script_confusable, username_key

USERNAME_TAKEN = (
    "Ya existe una cuenta con ese nombre de usuario "
    "(no se distinguen mayúsculas de minúsculas ni variantes Unicode como «ａｎａ»)."
)
USERNAME_CONFUSABLE = (
    "El nombre de usuario mezcla alfabetos con letras que se confunden entre sí "
    "(por ejemplo, una «а» cirílica entre letras latinas): escríbelo con un solo alfabeto."
)


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username):  # every login path finds "ana" as "ANA" or "ａｎａ"
        return self.get(username_key=username_key(username))


class User(AbstractUser):
    username_key = models.CharField(
        "clave del nombre de usuario",
        max_length=600,  # casefold can lengthen a name (ß → ss); 600 keeps the index under 2.7 kB
        unique=True,
        editable=False,
        help_text="El nombre en minúsculas y forma Unicode NFKC: decide si dos nombres son la misma cuenta.",
    )

    REQUIRED_FIELDS = []  # `createsuperuser --noinput` needs no email

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def clean(self):
        super().clean()  # NFKC-normalises username
        if not isinstance(self.username, str) or not self.username:
            return  # already refused by the form
        self.username_key = username_key(self.username)
        users = type(self)._default_manager
        if users.filter(username_key=self.username_key).exclude(pk=self.pk).exists():
            raise ValidationError({"username": USERNAME_TAKEN})
        kept = users.filter(pk=self.pk, username=self.username)  # an unchanged name may predate the rule
        if is_mixed_script_confusable(self.username) and not kept.exists():
            raise ValidationError({"username": USERNAME_CONFUSABLE})

    def save(self, *args, **kwargs):
        self.username_key = username_key(self.username)
        if "username" in (kwargs.get("update_fields") or ()):
            kwargs["update_fields"] = {*kwargs["update_fields"], "username_key"}
        super().save(*args, **kwargs)
