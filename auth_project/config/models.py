from django.db import models


class RateLimitWindow(models.Model):
    """One open window of the rate limiter's SQL store (config/ratelimit.py): how many requests
    ``key`` ("scope:ident") made since the window opened, and when it ends (Unix time)."""

    key = models.TextField(primary_key=True)
    hits = models.PositiveIntegerField()
    ends_at = models.FloatField(db_index=True)  # expired rows are deleted by ratelimit._sql_count

    class Meta:
        db_table = "musica_ratelimit"  # named in config/ratelimit.py's SQL

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
