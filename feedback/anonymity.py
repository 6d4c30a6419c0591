"""Anonymous answers, kept apart from the record of who answered, even in the database.

The threat model. The attacker reads every row of every table, as often as they like, with
the columns PostgreSQL shows anyone who may ``SELECT``: ``ctid`` (the physical place of a
row) and ``xmin`` (the transaction that wrote it). They know the people and, from
``Submission``, who answered when. They must not learn what a given person answered.

What stops them:

- An anonymous ``Response`` has no registration, a random UUID key, no language and, for a
  date, the day its batch entered the results; its ``Answer`` rows have random UUID keys
  too. No key, column or ordering leads back to a ``Submission``.
- The transaction that writes a ``Submission`` (which names the person) writes the answers
  only as a ``SealedResponse``: encrypted with AES-GCM under a key derived from
  ``SECRET_KEY`` (HKDF-SHA256), bound to its questionnaire, holding nothing else in clear.
  Its ``xmin`` matches the ``Submission``'s, which is why it is sealed. It is durable: if
  the server stops before the answers are moved, they wait in the box.
- ``flush`` moves sealed answers to ``Response`` and ``Answer`` in a transaction of its
  own, only when at least ``FEEDBACK_BATCH`` (5) wait, all of them at once, in a shuffled
  order, and deletes the box rows. Every response of a batch shares one ``xmin``, one day
  and, as far as insertion order tells, a random physical order, so a batch of n is as
  anonymous as a group of n. When a questionnaire closes, the rest are written whatever
  their number; if fewer than a batch remain, the same transaction rewrites randomly chosen
  earlier responses (a PostgreSQL UPDATE writes a new row version with the new ``xmin``, at
  a new ``ctid``) so that the last transaction too holds at least a batch.
- Results count only what has left the box, and say how many answers still wait.

What it does not stop: someone holding ``SECRET_KEY`` and a copy of the database taken
while answers wait in the box can open them (the box is emptied within a batch); someone
reading the server's memory or its logs during a request; someone who reads the database
files below SQL (dead row versions of deleted boxes remain until VACUUM, still encrypted;
the write-ahead log and its archives keep the order of writes, at batch granularity for the
results). Within a batch, n people are indistinguishable; across batches, the order of the
batches follows the order of the submissions, so a batch is the unit of anonymity.
And the group rule of the results pages applies: a group of one is never shown.

Knowledge tests are not anonymous (``questionnaire_tests_not_anonymous``): their scores are
paired before and after by registration, inside the statistics' SQL; the pages show only
aggregates (see ``feedback.statistics``).
"""

import json
import os
import random
from dataclasses import asdict, dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from feedback.models import Answer, Questionnaire, Response, SealedResponse

NONCE_BYTES = 12
_KEY_INFO = b"workshops.feedback.sealed-response.v1"
_system_random = random.SystemRandom()


def _key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(
        settings.SECRET_KEY.encode()
    )


def _associated_data(questionnaire_id: int) -> bytes:
    # A box copied under another questionnaire fails to open.
    return f"questionnaire:{questionnaire_id}".encode()


@dataclass(frozen=True)
class AnswerRow:
    """One answer as it will be written: a rating, a choice or a text."""

    question_id: int
    rating: int | None = None
    choice_id: int | None = None
    text: str = ""

    def answer(self, response: Response) -> Answer:
        """The row as an unsaved answer of ``response`` (named or flushed), to bulk-create:
        the row's fields are the answer's columns."""
        return Answer(response=response, **asdict(self))


def seal(questionnaire_id: int, rows: list[AnswerRow]) -> bytes:
    """The answers, encrypted: a random nonce, then AES-GCM of their JSON."""
    plain = json.dumps(
        [[row.question_id, row.rating, row.choice_id, row.text] for row in rows]
    ).encode()
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key()).encrypt(nonce, plain, _associated_data(questionnaire_id))


def unseal(questionnaire_id: int, sealed: bytes) -> list[AnswerRow]:
    sealed = bytes(sealed)
    plain = AESGCM(_key()).decrypt(
        sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _associated_data(questionnaire_id)
    )
    return [
        AnswerRow(question_id=q, rating=r, choice_id=c, text=t) for q, r, c, t in json.loads(plain)
    ]


def batch_size() -> int:
    return settings.FEEDBACK_BATCH


def pending_count(questionnaire: Questionnaire) -> int:
    return SealedResponse.objects.filter(questionnaire=questionnaire).count()


def flush_after_commit(questionnaire_id: int, *, now=None) -> None:
    """Queue a flush of ``questionnaire_id`` for after the current transaction commits.

    Never inside it: the answers would then share the ``Submission``'s ``xmin``.
    """
    transaction.on_commit(
        lambda: flush(
            Questionnaire.objects.select_related("workshop").get(pk=questionnaire_id), now=now
        )
    )


def flush(questionnaire: Questionnaire, *, final: bool = False, now=None) -> int:
    """Move waiting answers of ``questionnaire`` into the results; return how many responses.

    Nothing moves while fewer than a batch wait, unless ``final`` (the questionnaire has
    closed) or the questionnaire is past its close. Its own transaction: call it outside
    any other (``flush_after_commit`` does). Concurrent flushes skip each other's boxes.
    """
    now = now or timezone.now()
    final = final or (questionnaire.closes_at is not None and questionnaire.closes_at <= now)
    with transaction.atomic():
        boxes = SealedResponse.objects.filter(questionnaire=questionnaire).select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        )
        boxes = list(boxes.values_list("pk", "sealed"))
        if not boxes or (len(boxes) < batch_size() and not final):
            return 0
        day = questionnaire.workshop.local(now).date()
        _system_random.shuffle(boxes)
        responses, answers = [], []
        for _pk, sealed in boxes:
            response = Response(questionnaire=questionnaire, submitted_on=day)
            responses.append(response)
            answers += [row.answer(response) for row in unseal(questionnaire.pk, sealed)]
        # Answers of all the batch's responses mixed, so neither their physical order nor
        # their keys group them by person more than their response_id already does.
        _system_random.shuffle(answers)
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(answers)
        SealedResponse.objects.filter(pk__in=[pk for pk, _sealed in boxes]).delete()
        if len(boxes) < batch_size():
            _cover_small_batch(questionnaire, responses, day)
    return len(boxes)


def _cover_small_batch(questionnaire: Questionnaire, written: list[Response], day) -> None:
    """Rewrite randomly chosen earlier responses (and their answers) in this transaction, so
    that it holds at least a batch: new row versions with this ``xmin`` and this day."""
    wanted = batch_size() - len(written)
    earlier = list(
        Response.objects.filter(questionnaire=questionnaire, registration__isnull=True)
        .exclude(pk__in=[response.pk for response in written])
        .values_list("pk", flat=True)
    )
    chosen = _system_random.sample(earlier, min(wanted, len(earlier)))
    if not chosen:
        return
    Response.objects.filter(pk__in=chosen).update(submitted_on=day)
    Answer.objects.filter(response_id__in=chosen).update(quotable=F("quotable"))


def flush_due(*, now=None) -> dict[int, int]:
    """Flush every questionnaire with waiting answers: closed ones entirely, open ones by
    batches. {questionnaire pk: responses written}. For the management command."""
    written = {}
    waiting = Questionnaire.objects.filter(sealed_responses__isnull=False).distinct()
    for questionnaire in waiting.select_related("workshop"):
        count = flush(questionnaire, now=now)
        if count:
            written[questionnaire.pk] = count
    return written
