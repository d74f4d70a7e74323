"""The ``Idempotency-Key`` header of POST /notas (IETF draft "The Idempotency-Key HTTP Header Field").

A client that lost the answer (a reset connection, a killed worker) retries with the same key and
gets the original 201 back instead of a second note.

Design, and why it is safe without a transaction held across the music call (the steps of
``NoteViewSet.create``):

1. **Hold** — one short transaction: the user's expired keys are deleted, then the key is looked
   up. None: a row ``in_progress`` is inserted (the unique (user, key) constraint settles a race:
   the loser reads the winner's row). Another body (fingerprint): 422. ``done``: its 201 is
   replayed. ``in_progress`` and younger than ``IDEMPOTENCY_LEASE_SECONDS``: 409, the first request
   is still running. Older: its request died (kill -9, a lost worker) before completing, so the row
   is taken over with a conditional UPDATE on its hold token (only one taker wins; others: 409).
2. **Music** is asked with no transaction open (the request is visible as ``in_progress``).
3. **Complete** — ONE transaction saves the note and turns the key ``done`` with the note id and
   the 201 body, by a conditional UPDATE on this request's hold token. If the hold was lost
   (taken over as stale, or purged) the UPDATE matches nothing and the whole transaction,
   note included, rolls back: 409. So a note and its completed key are committed together or not
   at all, and a key never yields two notes. A crash before step 3 leaves only an
   ``in_progress`` row with no note, taken over once its lease has passed.

Only successes are remembered: a body that fails validation is refused before any hold, and a
failure after the hold releases it. Keys are per user (another user's "k1" is another key), and
expire after ``IDEMPOTENCY_KEY_TTL_HOURS``: deleted at the user's next hold and by the enrichment
runner (``idempotency_keys_purge``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass
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


@dataclass(frozen=True)
class HeldKey:
    """This request holds a key (row ``row_id``, token ``token``) until it completes or releases it."""

    row_id: int
    token: str


@dataclass(frozen=True)
class Replay:
    """The answer a completed key gives again."""

    status: int
    body: dict


def idempotency_key_parse(raw: str | None) -> str | None:
    """The key of a header value; None when absent. Raises a 400 ValidationError when malformed."""
    if raw is None:
        return None
    quoted = _SF_STRING.match(raw)
    key = re.sub(r"\\(.)", r"\1", quoted.group(1)) if quoted else raw
    if not _PRINTABLE.match(key):
        raise exceptions.ValidationError(
            {
                HEADER: [
                    f"La cabecera {HEADER} debe tener entre 1 y {MAX_LENGTH} caracteres ASCII "
                    "imprimibles (por ejemplo un UUID)."
                ]
            }
        )
    return key


def request_fingerprint(data) -> str:
    """sha256 of the parsed body as canonical JSON: key order and spacing do not matter."""
    if hasattr(data, "lists"):  # a form's QueryDict: every value of every field
        data = dict(data.lists())
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_keys_purge(*, user=None) -> int:
    """Delete expired keys (of one user, or of everyone). Returns how many."""
    expired = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - _ttl())
    if user is not None:
        expired = expired.filter(user=user)
    deleted, _ = expired.delete()
    return deleted


def idempotency_replay_exists(*, user, key_header: str | None) -> bool:
    """Whether ``user`` has a completed, unexpired key named by this header: a POST carrying it is
    answered with that key's 201 (or a 422 for another body), never a new note, so the write
    limit (notes/throttling.py) does not count it."""
    try:
        key = idempotency_key_parse(key_header)
    except exceptions.ValidationError:
        return False
    if key is None:
        return False
    return IdempotencyKey.objects.filter(
        user=user, key=key, status=IdempotencyKey.DONE, created_at__gte=timezone.now() - _ttl()
    ).exists()


def idempotency_key_hold(*, user, key: str, data) -> HeldKey | Replay:
    """Step 1, in one short transaction: the key held for this request, or the 201 to replay for
    this body. Raises KeyReused (422) for another body, KeyInUse (409) while another request holds it."""
    with write_transaction():
        held = _hold(user=user, key=key, fingerprint=request_fingerprint(data))
    if isinstance(held, Replay):
        logger.info("idempotent replay", extra={"note_id": (held.body.get("nota") or {}).get("id")})
    return held


def _hold(*, user, key: str, fingerprint: str) -> HeldKey | Replay:
    idempotency_keys_purge(user=user)
    now = timezone.now()
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:
        token = uuid.uuid4().hex
        try:
            with transaction.atomic():  # a savepoint: a lost race must not break the outer block
                row = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    fingerprint=fingerprint,
                    status=IdempotencyKey.IN_PROGRESS,
                    claim=token,
                    created_at=now,
                )
            return HeldKey(row_id=row.pk, token=token)
        except IntegrityError:
            row = IdempotencyKey.objects.filter(user=user, key=key).first()
            if row is None:  # inserted and deleted again in between: let the client retry
                raise KeyInUse from None
    if row.fingerprint != fingerprint:
        raise KeyReused
    if row.status == IdempotencyKey.DONE:
        return Replay(status=row.response_status, body=row.response_body)
    if row.created_at > now - timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS):
        raise KeyInUse
    token = uuid.uuid4().hex
    taken = IdempotencyKey.objects.filter(
        pk=row.pk, status=IdempotencyKey.IN_PROGRESS, claim=row.claim
    ).update(claim=token, created_at=now)
    if not taken:
        raise KeyInUse
    logger.warning("stale idempotency key taken over", extra={"idempotency_key_id": row.pk})
    return HeldKey(row_id=row.pk, token=token)


def idempotency_key_complete(*, held: HeldKey, note: Note, body: dict) -> None:
    """Step 3, inside the transaction that saves ``note``: the key becomes ``done`` with its 201.

    Raises KeyInUse (rolling the note back with the transaction) when the hold was lost.
    """
    completed = IdempotencyKey.objects.filter(
        pk=held.row_id, status=IdempotencyKey.IN_PROGRESS, claim=held.token
    ).update(
        status=IdempotencyKey.DONE,
        note=note,
        response_status=status.HTTP_201_CREATED,
        response_body=body,
        created_at=timezone.now(),
    )
    if not completed:
        logger.warning("idempotency key lost before completion", extra={"idempotency_key_id": held.row_id})
        raise KeyInUse


def idempotency_key_release(*, held: HeldKey) -> None:
    """The request failed after its hold: forget the key, so a retry runs afresh. A hold lost to
    another request matches nothing here."""
    try:
        IdempotencyKey.objects.filter(
            pk=held.row_id, status=IdempotencyKey.IN_PROGRESS, claim=held.token
        ).delete()
    except Exception:  # the database itself failed: the lease expires on its own
        logger.exception("could not release an idempotency key", extra={"idempotency_key_id": held.row_id})
