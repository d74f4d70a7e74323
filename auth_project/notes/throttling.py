"""The per-user limit on note writes; reads, deletes and Idempotency-Key replays search nothing."""

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
