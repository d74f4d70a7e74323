"""The per-user limit on note writes (scope "notes_write", NOTES_WRITE_RATE, default 30/min).

Creating a note, or changing its song, may cost one Spotify search (through music_service), and
Spotify's quota is shared by every user: a 429 from Spotify blocks lookups for all of them. So
each account gets its own window for POST/PUT/PATCH on /notas and the landing page's form; reads
and deletes cost no search and are not counted, nor is the replay of a completed Idempotency-Key
(its original 201 again, no new note, no search). Counted by config/ratelimit.py.
"""

from config.throttling import RateLimitThrottle

from .idempotency import HEADER, idempotency_replay_exists

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NoteWriteThrottle(RateLimitThrottle):
    scope = "notes_write"

    def ident(self, request) -> str:
        return str(request.user.pk)

    def allow_request(self, request, view):
        if request.method not in WRITE_METHODS:
            return True
        if request.method == "POST" and idempotency_replay_exists(
            user=request.user, key_header=request.headers.get(HEADER)
        ):
            return True
        return super().allow_request(request, view)
