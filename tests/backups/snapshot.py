"""What must survive an export and an import: every figure, document text and personal link.

``snapshot()`` reads the current database. Run as ``python -m tests.backups.snapshot`` (with
DATABASE_URL and the test settings in the environment) it prints the same as JSON, so a
test can compare a database it cannot open itself (PostgreSQL after an import).
"""

import io
import json
import subprocess
import sys

from openpyxl import load_workbook

# The documents built from one workshop (a programme's report spans several).
WORKSHOP_DOCUMENTS = ("sign-in-sheets", "register", "badges", "certificates")


def _pdf_text(content: bytes) -> str:
    # poppler's pdftotext (as tests/reports/pdfcheck.py uses poppler): a fifth of pypdf's
    # time on the demo's 180 pages, read three times per round trip.
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def _document_text(content: bytes, fmt: str) -> str:
    if fmt == "pdf":
        return _pdf_text(content)
    if fmt == "csv":
        return content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return json.dumps(
        [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook],
        default=str,
    )


def snapshot() -> dict:
    from auditlog.models import LogEntry
    from django.apps import apps
    from django.test import Client
    from django.utils import timezone

    from backups.exchange import MODELS
    from events.models import Workshop
    from feedback.models import Questionnaire
    from feedback.statistics import knowledge_test_results, questionnaire_results, response_rates
    from participants.models import Registration
    from reports.documents import DOCUMENTS
    from reports.statistics import figures

    now = timezone.make_aware(timezone.datetime(2030, 1, 1))
    workshops = list(Workshop.objects.order_by("pk"))
    result = {
        "counts": {label: apps.get_model(label)._base_manager.count() for label in MODELS},
        "figures": {
            str(pk): repr(value)
            for pk, value in sorted(figures([w.pk for w in workshops], now=now).items())
        },
        "questionnaires": {},
        "documents": {},
        "personal_pages": [],
        "audit": list(
            LogEntry.objects.order_by("pk").values_list(
                "content_type__app_label",
                "content_type__model",
                "object_pk",
                "action",
                "changes",
                "actor__username",
                "additional_data",
            )
        ),
    }
    for questionnaire in Questionnaire.objects.order_by("pk"):
        entry = {
            "results": repr(questionnaire_results(questionnaire)),
            "rates": repr(response_rates(questionnaire)),
        }
        if questionnaire.kind == Questionnaire.Kind.POST_TEST:
            entry["gains"] = repr(knowledge_test_results(questionnaire))
        result["questionnaires"][str(questionnaire.pk)] = entry
    for workshop in workshops:
        for kind in WORKSHOP_DOCUMENTS:
            document = DOCUMENTS[kind]
            for fmt in document.formats:
                content = document.build(workshop, "en", fmt)
                result["documents"][f"{workshop.slug}/{kind}.{fmt}"] = _document_text(content, fmt)
    client = Client()
    for registration in Registration.objects.order_by("pk")[:25]:
        page = client.get(f"/r/{registration.token}/")
        feed = client.get(f"/feeds/people/{registration.feed_token}.ics")
        result["personal_pages"].append(
            [page.status_code, registration.name in page.content.decode(), feed.status_code]
        )
    return json.loads(json.dumps(result, default=str))


if __name__ == "__main__":
    import django

    django.setup()
    json.dump(snapshot(), sys.stdout, ensure_ascii=False)
