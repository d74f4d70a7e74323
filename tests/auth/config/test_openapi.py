"""auth_service's OpenAPI description: valid with no warnings, complete, served offline, and true.

"True" means the real answers of the API validate against the generated schema (openapi-core), with a
negative control showing that a wrong answer does not.
"""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from openapi_core import OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate as validate_spec
from rest_framework.test import APIClient

from notes.models import Enrichment, Note

CONTRACT = {
    "/register": {"post"},
    "/login": {"post"},
    "/token/refresh": {"post"},
    "/logout": {"post"},
    "/me": {"get"},
    "/notas": {"get", "post"},
    "/notas/{id}": {"get", "put", "patch", "delete"},
    "/health": {"get"},
    "/ready": {"get"},
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def validate(openapi, response) -> None:
    """One real Django test-client answer against the schema (path as requested, without its slash)."""
    request = response.wsgi_request
    openapi.validate_response(
        MockRequest("http://testserver", request.method, request.path, headers=dict(request.headers)),
        MockResponse(
            response.content,
            status_code=response.status_code,
            headers=dict(response.headers),
            content_type=response.headers.get("Content-Type", "").split(";")[0] or None,
        ),
    )


@pytest.fixture(scope="module")
def openapi(schema):
    # Round-trip through JSON: the generator's dict holds lazy strings and ordered dicts.
    return OpenAPI.from_dict(json.loads(json.dumps(schema, default=str)))


def test_spectacular_validate_reports_no_warnings_and_no_errors(tmp_path, capsys):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn raises on any warning or error; the summary line must not appear either.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Error" not in captured.err, captured.err
    document = yaml.safe_load(out.read_text())
    assert document["openapi"].startswith("3.")
    validate_spec(json.loads(json.dumps(document)))  # a second, independent validator


def test_every_contract_endpoint_is_described_and_nothing_else(schema):
    described = {path: set(ops) for path, ops in schema["paths"].items()}
    assert described == CONTRACT


def test_every_operation_has_a_summary_tag_and_described_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation.get("tags"), where
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and path != "/ready":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    # A 429 is the same shape with the wait in detalle (see the test below).
                    shape = "Throttled" if status == "429" else "Error"
                    assert ref == f"#/components/schemas/{shape}", f"{where} {status}"
                    assert response["description"], f"{where} {status}"
            # Each operation names the request id header and returns it.
            assert {"$ref": "#/components/parameters/RequestId"} in operation["parameters"], where


def test_the_error_shape_is_error_and_detalle(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "detalle"}
    assert set(error["required"]) == {"error", "detalle"}
    throttled = schema["components"]["schemas"]["Throttled"]
    assert set(throttled["properties"]) == {"error", "detalle"}
    assert set(throttled["required"]) == {"error", "detalle"}


def test_every_field_is_described(schema):
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_auth_schemes_and_who_needs_them(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["jwtAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    public = {("/register", "post"), ("/login", "post"), ("/token/refresh", "post")}
    public |= {("/health", "get"), ("/ready", "get")}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {name for requirement in operation.get("security", []) for name in requirement}
            if (path, method) in public:
                assert "jwtAuth" not in names, f"{method} {path}"
            else:
                assert "jwtAuth" in names, f"{method} {path}"


def test_create_documents_mensaje_nota_and_the_optional_aviso(schema):
    created = schema["paths"]["/notas"]["post"]["responses"]["201"]["content"]["application/json"]
    component = schema["components"]["schemas"][created["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"mensaje", "nota", "aviso"}
    assert set(component["required"]) == {"mensaje", "nota"}
    note = schema["components"]["schemas"]["Note"]["properties"]
    assert note["enriquecimiento"]["allOf"][0]["$ref"].endswith("/EnriquecimientoEnum")
    assert schema["components"]["schemas"]["EnriquecimientoEnum"]["enum"] == [e.value for e in Enrichment]


@pytest.mark.parametrize("path", ["/api/schema", "/api/schema/", "/api/docs", "/api/docs/", "/api/redoc"])
def test_schema_and_docs_answer_on_both_path_forms(client, path):
    assert client.get(path).status_code == 200


def test_the_served_schema_is_the_generated_one(client):
    served = yaml.safe_load(client.get("/api/schema").content)
    assert set(served["paths"]) == set(CONTRACT)


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
def test_docs_pages_load_nothing_from_another_host(client, path):
    html = client.get(path).content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert urls, html
    assert all(url.startswith("/static/drf_spectacular_sidecar/") for url in urls), urls
    assert "https://" not in html and "http://" not in html
    assert "//cdn" not in html and "googleapis" not in html
    for url in urls:
        assert client.get(url).status_code == 200, url  # the sidecar's assets are really there


@pytest.mark.django_db
def test_real_answers_validate_against_the_schema(openapi, settings):
    settings.ENRICHMENT_MODE = "off"  # music plays no part in the shape of these answers
    anonymous = APIClient()

    def check(response, expected_status):
        assert response.status_code == expected_status, response.content
        validate(openapi, response)
        return response

    check(anonymous.post("/register", {"username": "ana", "password": "x"}, format="json"), 400)
    check(anonymous.post("/register", {"username": "ana", "password": "Canciones-2026"}, format="json"), 201)
    check(anonymous.post("/login", {"username": "ana", "password": "mal"}, format="json"), 401)
    tokens = check(
        anonymous.post("/login", {"username": "ana", "password": "Canciones-2026"}, format="json"), 200
    ).json()
    check(anonymous.get("/notas"), 401)
    user = APIClient()
    user.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    check(user.get("/me"), 200)
    check(user.post("/notas", {"texto": "sin canción"}, format="json"), 400)
    check(user.post("/notas", data=b"{no es json", content_type="application/json"), 400)
    created = check(user.post("/notas", {"cancion": "Queen"}, format="json"), 201).json()
    note_id = created["nota"]["id"]
    check(user.get("/notas"), 200)
    check(user.get(f"/notas/{note_id}"), 200)
    check(user.patch(f"/notas/{note_id}", {"texto": "otra"}, format="json"), 200)
    check(user.put(f"/notas/{note_id}", {"cancion": "Queen", "texto": "y otra"}, format="json"), 200)
    check(user.get("/notas/999999"), 404)

    # A note that music enriched: foto, musica and enriquecimiento filled in.
    Note.objects.filter(pk=note_id).update(
        enriquecimiento=Enrichment.OK, foto="data:image/svg+xml;base64,PHN2Zy8+", titulo="Bohemian Rhapsody"
    )
    check(user.get(f"/notas/{note_id}"), 200)

    check(user.delete(f"/notas/{note_id}"), 204)
    refreshed = check(anonymous.post("/token/refresh", {"refresh": tokens["refresh"]}, format="json"), 200)
    check(anonymous.post("/token/refresh", {"refresh": tokens["refresh"]}, format="json"), 401)
    check(user.post("/logout", {"refresh": "no-es-un-token"}, format="json"), 400)
    check(user.post("/logout", {"refresh": refreshed.json()["refresh"]}, format="json"), 204)
    check(anonymous.get("/health"), 200)
    check(anonymous.get("/ready"), 200)


@pytest.mark.django_db
def test_negative_control_a_wrong_answer_fails_validation(openapi, make_user, client_for):
    response = client_for(make_user()).get("/me")
    assert response.status_code == 200
    response.content = json.dumps({"id": "not-an-integer", "username": 7}).encode()
    with pytest.raises(OpenAPIError):
        validate(openapi, response)
