"""``Idempotency-Key`` on POST /notas. The note is saved in the transaction completing the key, on this
request's hold token: a hold lost meanwhile rolls the note back, so a key never yields two notes."""

import hashlib
import json
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from rest_framework import exceptions, status

from .models import IdempotencyKey, Note
from .services import write_transaction

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255
_PRINTABLE = re.compile(rf"^[\x20-\x7e]{{1,{MAX_LENGTH}}}$")
# The draft's Structured Field string ("..." with escapes); a bare token is the same key.
_SF_STRING = re.compile(r'^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\\"])*)"$')


class KeyInUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "Ya hay una petición en curso con esta Idempotency-Key; espera a que termine y repítela "
        "para recibir su respuesta."
    )
    default_code = "idempotency_key_in_use"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "Esta Idempotency-Key ya se usó con otro cuerpo; usa una clave nueva para una nota distinta."
    )
    default_code = "idempotency_key_reused"


def idempotency_key_parse(raw: str | None) -> str | None:
    if raw is None:
        return None
    quoted = _SF_STRING.match(raw)
    key = re.sub(r"\\(.)", r"\1", quoted.group(1)) if quoted else raw
    if not _PRINTABLE.match(key):
        message = (
            f"La cabecera {HEADER} debe tener entre 1 y {MAX_LENGTH} caracteres ASCII imprimibles "
            "(por ejemplo un UUID)."
        )
        raise exceptions.ValidationError({HEADER: [message]})
    return key


def request_fingerprint(data) -> str:
    """sha256 of the parsed body as canonical JSON: key order and spacing do not matter."""
    if hasattr(data, "lists"):  # a form's QueryDict: every value counts
        data = dict(data.lists())
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _expired_before():
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_keys_purge(*, user=None) -> int:
    expired = IdempotencyKey.objects.filter(created_at__lt=_expired_before())
    return (expired if user is None else expired.filter(user=user)).delete()[0]


def idempotency_replay_exists(*, request) -> bool:
    """Whether the request names a completed, unexpired key of its user (a replay makes no note)."""
    try:
        key = idempotency_key_parse(request.headers.get(HEADER))
    except exceptions.ValidationError:
        return False
    if key is None:  # most notes: no queryset is built
        return False
    done = IdempotencyKey.objects.filter(user=request.user, key=key, status=IdempotencyKey.DONE)
    return done.filter(created_at__gte=_expired_before()).exists()


def _still_held(held: IdempotencyKey):
    # A takeover moves created_at: it tells this request's hold from a later one.
    held_since = {"status": IdempotencyKey.IN_PROGRESS, "created_at": held.created_at}
    return IdempotencyKey.objects.filter(pk=held.pk, **held_since)


def idempotency_key_hold(*, user, key: str, data) -> IdempotencyKey:
    """The key held for this request (``in_progress`` since ``created_at``) or ``done`` with the 201
    to replay; KeyReused for another body, KeyInUse while another request holds it."""
    fingerprint = request_fingerprint(data)
    with write_transaction():
        idempotency_keys_purge(user=user)
        now = timezone.now()
        try:  # get_or_create inserts in a savepoint: a lost race does not break this block
            hold = {"fingerprint": fingerprint, "status": IdempotencyKey.IN_PROGRESS, "created_at": now}
            row, created = IdempotencyKey.objects.get_or_create(user=user, key=key, defaults=hold)
        except IntegrityError:  # inserted and deleted again in between: let the client retry
            raise KeyInUse from None
        if created:
            return row
        if row.fingerprint != fingerprint:
            raise KeyReused
        if row.status == IdempotencyKey.DONE:
            logger.info("idempotent replay", extra={"note_id": row.note_id})
            return row
        if row.created_at > now - timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS):
            raise KeyInUse
        # Its request died before completing: take the key over (only one taker wins).
        if not _still_held(row).update(created_at=now):
            raise KeyInUse
        logger.warning("stale idempotency key taken over", extra={"idempotency_key_id": row.pk})
        row.created_at = now
        return row


def idempotency_key_complete(*, held: IdempotencyKey, note: Note, body: dict) -> None:
    """In the transaction saving ``note``; KeyInUse (rolling the note back) when the hold was lost."""
    if not _still_held(held).update(
        status=IdempotencyKey.DONE, note=note, response_body=body, created_at=timezone.now()
    ):
        logger.warning("idempotency key lost before completion", extra={"idempotency_key_id": held.pk})
        raise KeyInUse


def idempotency_key_release(*, held: IdempotencyKey) -> None:
    """The request failed after its hold: a retry runs afresh."""
    try:
        _still_held(held).delete()
    except Exception:  # the database itself failed: the lease expires on its own
        logger.exception("could not release an idempotency key", extra={"idempotency_key_id": held.pk})
