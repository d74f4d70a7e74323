"""The per-user limit on note writes (scope "notes_write", NOTES_WRITE_RATE, default 30/min).

Creating a note, or changing its song, may cost one Spotify search (through music_service), and
Spotify's quota is shared by every user: a 429 from Spotify blocks lookups for all of them. So
each account gets its own window for POST/PUT/PATCH on /notas; reads and deletes cost no search
and are not counted. The counters live in the shared cache (Redis, or the database table;
config/settings/cache.py), so the limit holds whichever worker or replica answers.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NoteWriteThrottle(UserRateThrottle):
    scope = "notes_write"

    def get_rate(self):
        # Read at request time (DRF copies the rates into a class attribute at import), so the
        # settings the process runs with, including a test's override, always apply.
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No DEFAULT_THROTTLE_RATES entry for scope {self.scope!r}")
        return rates[self.scope]

    def allow_request(self, request, view):
        if request.method not in WRITE_METHODS:
            return True
        return super().allow_request(request, view)
