"""The ``Idempotency-Key`` header of POST /notas (IETF draft "The Idempotency-Key HTTP Header Field").

A retry with the same key and body gets the original 201 back instead of a second note. The key is
held in one short transaction (a row ``in_progress``; the unique (user, key) constraint settles a
race), music is asked with no transaction open, and the note is saved in the same transaction that
completes the key, by a conditional UPDATE on this request's hold token: a hold lost meanwhile (taken
over once its lease passed, after a crash) rolls the note back. So a key never yields two notes.
Only successes are remembered; keys are per user and expire after IDEMPOTENCY_KEY_TTL_HOURS.
"""

import hashlib
import json
import logging
import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions, status

from .models import IdempotencyKey, Note
from .services import write_transaction

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255
_PRINTABLE = re.compile(rf"^[\x20-\x7e]{{1,{MAX_LENGTH}}}$")
# The draft's form is a Structured Field string ("..." with \" and \\ escapes); a bare token is
# accepted too. Both spellings of one key are the same key.
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
    """The key of a header value; None when absent. Raises a 400 ValidationError when malformed."""
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
    if hasattr(data, "lists"):  # a form's QueryDict: every value of every field
        data = dict(data.lists())
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _expired_before():
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_keys_purge(*, user=None) -> int:
    """Delete expired keys (of one user, or of everyone). Returns how many."""
    expired = IdempotencyKey.objects.filter(created_at__lt=_expired_before())
    if user is not None:
        expired = expired.filter(user=user)
    deleted, _ = expired.delete()
    return deleted


def idempotency_replay_exists(*, user, key_header: str | None) -> bool:
    """Whether this header names a completed, unexpired key of ``user``: such a POST never makes
    a new note, so the write limit does not count it."""
    try:
        key = idempotency_key_parse(key_header)
    except exceptions.ValidationError:
        return False
    if key is None:
        return False
    return IdempotencyKey.objects.filter(
        user=user, key=key, status=IdempotencyKey.DONE, created_at__gte=_expired_before()
    ).exists()


def idempotency_key_hold(*, user, key: str, data) -> IdempotencyKey:
    """The key, held for this request (``in_progress``, with its token in ``claim``) or ``done``
    with the 201 to replay. Raises KeyReused (422) for another body, KeyInUse (409) while another
    request holds it."""
    fingerprint = request_fingerprint(data)
    with write_transaction():
        idempotency_keys_purge(user=user)
        now = timezone.now()
        row = IdempotencyKey.objects.filter(user=user, key=key).first()
        if row is None:
            try:
                with transaction.atomic():  # a savepoint: a lost race must not break the outer block
                    return IdempotencyKey.objects.create(
                        user=user,
                        key=key,
                        fingerprint=fingerprint,
                        status=IdempotencyKey.IN_PROGRESS,
                        claim=uuid.uuid4().hex,
                        created_at=now,
                    )
            except IntegrityError:
                row = IdempotencyKey.objects.filter(user=user, key=key).first()
                if row is None:  # inserted and deleted again in between: let the client retry
                    raise KeyInUse from None
        if row.fingerprint != fingerprint:
            raise KeyReused
        if row.status == IdempotencyKey.DONE:
            note_id = (row.response_body.get("nota") or {}).get("id")
            logger.info("idempotent replay", extra={"note_id": note_id})
            return row
        if row.created_at > now - timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS):
            raise KeyInUse
        # Its request died before completing: take the key over (only one taker wins).
        token = uuid.uuid4().hex
        taken = IdempotencyKey.objects.filter(
            pk=row.pk, status=IdempotencyKey.IN_PROGRESS, claim=row.claim
        ).update(claim=token, created_at=now)
        if not taken:
            raise KeyInUse
        logger.warning("stale idempotency key taken over", extra={"idempotency_key_id": row.pk})
        row.claim = token
        return row


def _still_held(held: IdempotencyKey):
    return IdempotencyKey.objects.filter(pk=held.pk, status=IdempotencyKey.IN_PROGRESS, claim=held.claim)


def idempotency_key_complete(*, held: IdempotencyKey, note: Note, body: dict) -> None:
    """Inside the transaction that saves ``note``: the key becomes ``done`` with its 201. Raises
    KeyInUse (rolling the note back with the transaction) when the hold was lost."""
    completed = _still_held(held).update(
        status=IdempotencyKey.DONE,
        note=note,
        response_status=status.HTTP_201_CREATED,
        response_body=body,
        created_at=timezone.now(),
    )
    if not completed:
        logger.warning("idempotency key lost before completion", extra={"idempotency_key_id": held.pk})
        raise KeyInUse


def idempotency_key_release(*, held: IdempotencyKey) -> None:
    """The request failed after its hold: forget the key, so a retry runs afresh."""
    try:
        _still_held(held).delete()
    except Exception:  # the database itself failed: the lease expires on its own
        logger.exception("could not release an idempotency key", extra={"idempotency_key_id": held.pk})
