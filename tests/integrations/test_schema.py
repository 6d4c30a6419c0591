"""The OpenAPI schema: it validates, every operation documents its answers, and Schemathesis
fuzzes every operation against it (marked ``fuzz``; ``.ci/run`` runs it on PostgreSQL, which
refuses NUL bytes in text that SQLite would store): no server error, no answer outside the
schema, no invalid input accepted."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import ignored_auth, positive_data_acceptance

from config.wsgi import application
from integrations.tokens import create_token


def generated() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_validates():
    schema = generated()
    validate_schema(schema)  # drf-spectacular's own check against the OpenAPI 3 meta-schema
    validate(schema)  # and openapi-spec-validator's
    assert schema["openapi"].startswith("3.")


def test_every_operation_documents_its_body_answers_and_errors():
    schema = generated()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 40
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert any(code.startswith("2") for code in codes), (path, method)
        assert any(code.startswith("4") for code in codes), (path, method)
        for code, answer in operation["responses"].items():
            if code.startswith("4"):
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Errors"), (path, method, code)
        if method in ("post", "patch") and "requestBody" in operation:
            assert "application/json" in operation["requestBody"]["content"], (path, method)


@pytest.mark.django_db
@override_settings(API_DOCS_PUBLIC=False)
def test_the_docs_page_and_schema_are_served_from_here(admin_client):
    page = admin_client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/registrations/" in schema.json()["paths"]


fuzzed = schemathesis.openapi.from_dict(generated())
fuzzed.app = application


@pytest.fixture
def same_connection():
    """Requests through the WSGI app keep the test's database connection, as Django's test
    client does (it would otherwise close it after each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def superuser_token(db, same_connection, django_user_model, workshop):
    user = django_user_model.objects.create_superuser("fuzz", password=None)
    workshop.organisers.add(user)
    return create_token(user=user, name="fuzz")[1]


def fuzzed_on_postgresql(test):
    """One test per operation on PostgreSQL; elsewhere the test is skipped whole, without
    building the per-operation tests first (Schemathesis computes their examples while
    collecting: ~3 s of each test process's collection, for tests that would all skip)."""
    if connection.vendor != "postgresql":
        return pytest.mark.skip(
            reason="PostgreSQL only: it refuses NUL bytes that SQLite stores, which is what the "
            "fuzzing is for; on SQLite the in-process WSGI calls close the test database's "
            "connection"
        )(test)
    return fuzzed.parametrize()(test)


@pytest.mark.fuzz
@fuzzed_on_postgresql
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, superuser_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {superuser_token}"},
        # Left out, on purpose: "a schema-valid request is accepted" (a well-formed request
        # naming a workshop that does not exist is rightly refused) and "every endpoint
        # needs authentication" (the public timetable and registration do not).
        excluded_checks=[positive_data_acceptance, ignored_auth],
    )
