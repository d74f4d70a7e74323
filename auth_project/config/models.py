from django.db import models


class RateLimitWindow(models.Model):
    """An open window of the rate limiter's SQL store (config/ratelimit.py)."""

    key = models.TextField(primary_key=True)  # "scope:ident"
    hits = models.PositiveIntegerField()
    ends_at = models.FloatField(db_index=True)  # Unix time

    class Meta:
        db_table = "musica_ratelimit"

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
