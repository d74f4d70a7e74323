"""auth's OpenAPI description: valid, complete, served offline, and true (real answers validate)."""

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

POSTS = {"/register", "/login", "/token/refresh", "/logout"}
CONTRACT = {**{path: {"post"} for path in POSTS}, "/me": {"get"}, "/health": {"get"}, "/ready": {"get"}}
CONTRACT |= {"/notas": {"get", "post"}, "/notas/{id}": {"get", "put", "patch", "delete"}}
PUBLIC = {
    ("/register", "post"),
    ("/login", "post"),
    ("/token/refresh", "post"),
    ("/health", "get"),
    ("/ready", "get"),
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def openapi(schema):
    # Round-trip through JSON: the generator's dict holds lazy strings and ordered dicts.
    return OpenAPI.from_dict(json.loads(json.dumps(schema, default=str)))


def validate(openapi, response) -> None:
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


def test_spectacular_validate_reports_no_warnings_and_no_errors(tmp_path, capsys):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    err = capsys.readouterr().err
    assert "Warning" not in err and "Error" not in err, err
    validate_spec(json.loads(json.dumps(yaml.safe_load(out.read_text()))))  # a second validator


def test_every_contract_operation_is_described_with_its_errors_and_who_may_call_it(schema):
    assert {path: set(operations) for path, operations in schema["paths"].items()} == CONTRACT
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary") and operation.get("tags"), where
            assert {"$ref": "#/components/parameters/RequestId"} in operation["parameters"], where
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and path != "/ready":
                    shape = "Throttled" if status == "429" else "Error"  # a 429 carries the wait
                    assert response["content"]["application/json"]["schema"]["$ref"].endswith(f"/{shape}"), (
                        where
                    )
                    assert response["description"], f"{where} {status}"
            schemes = {name for requirement in operation.get("security", []) for name in requirement}
            assert ("jwtAuth" in schemes) is ((path, method) not in PUBLIC), where
    limited = {
        (p, m) for p, ops in schema["paths"].items() for m, op in ops.items() if "429" in op["responses"]
    }
    assert {(p, m) for p, m in limited if p.startswith("/notas")} == {
        ("/notas", "post"),
        ("/notas/{id}", "put"),
        ("/notas/{id}", "patch"),
    }  # note writes only: reads and deletes are never limited
    create = schema["paths"]["/notas"]["post"]
    key = next(p for p in create["parameters"] if p.get("name") == "Idempotency-Key")
    assert key["in"] == "header" and not key.get("required", False)
    assert {"409", "422"} <= set(create["responses"]) and "Idempotent-Replayed" in create["responses"]["201"][
        "headers"
    ]
    security = schema["components"]["securitySchemes"]
    assert security["jwtAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert security["cookieAuth"]["in"] == "cookie"


def test_every_field_is_described_and_errors_are_error_and_detalle(schema):
    components = schema["components"]["schemas"]
    for name, component in components.items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
    for shape in ("Error", "Throttled"):
        assert (
            set(components[shape]["properties"]) == set(components[shape]["required"]) == {"error", "detalle"}
        )
    created = schema["paths"]["/notas"]["post"]["responses"]["201"]["content"]["application/json"]
    component = components[created["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"mensaje", "nota", "aviso"}
    assert set(component["required"]) == {"mensaje", "nota"}
    assert components["EnriquecimientoEnum"]["enum"] == [e.value for e in Enrichment]


@pytest.mark.parametrize("path", ["/api/schema", "/api/schema/", "/api/docs", "/api/docs/", "/api/redoc"])
def test_schema_and_docs_answer_on_both_path_forms(client, path):
    response = client.get(path)
    assert response.status_code == 200
    if path.startswith("/api/schema"):
        assert set(yaml.safe_load(response.content)["paths"]) == set(CONTRACT)


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
def test_docs_pages_load_nothing_from_another_host(client, path):
    html = client.get(path).content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert urls and all(url.startswith("/static/drf_spectacular_sidecar/") for url in urls), urls
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for url in urls:
        assert client.get(url).status_code == 200, url  # the sidecar's assets are really there


@pytest.mark.django_db
def test_real_answers_validate_against_the_schema_and_a_wrong_one_does_not(openapi, settings, rates):
    settings.ENRICHMENT_MODE = "off"  # music plays no part in the shape of these answers
    anonymous, user = APIClient(), APIClient()

    def check(response, expected_status):
        assert response.status_code == expected_status, response.content
        validate(openapi, response)
        return response.json() if response.content else None

    check(anonymous.post("/register", {"username": "ana", "password": "x"}, format="json"), 400)
    check(anonymous.post("/register", {"username": "ana", "password": "Canciones-2026"}, format="json"), 201)
    check(anonymous.post("/login", {"username": "ana", "password": "mal"}, format="json"), 401)
    tokens = check(
        anonymous.post("/login", {"username": "ana", "password": "Canciones-2026"}, format="json"), 200
    )
    check(anonymous.get("/notas"), 401)
    user.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    check(user.get("/me"), 200)
    check(user.post("/notas", {"texto": "sin canción"}, format="json"), 400)
    check(user.post("/notas", data=b"{no es json", content_type="application/json"), 400)
    note_id = check(user.post("/notas", {"cancion": "Queen"}, format="json", HTTP_IDEMPOTENCY_KEY="k"), 201)[
        "nota"
    ]["id"]
    check(user.post("/notas", {"cancion": "Queen"}, format="json", HTTP_IDEMPOTENCY_KEY="k"), 201)  # replayed
    check(user.post("/notas", {"cancion": "Otra"}, format="json", HTTP_IDEMPOTENCY_KEY="k"), 422)
    check(user.get("/notas"), 200)
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
    check(user.post("/logout", {"refresh": refreshed["refresh"]}, format="json"), 204)
    check(anonymous.get("/health"), 200)
    check(anonymous.get("/ready"), 200)
    rates(notes_write="1/min")  # this user's window already holds more writes
    check(user.post("/notas", {"cancion": "Queen"}, format="json"), 429)

    me = user.get("/me")
    me.content = json.dumps({"id": "not-an-integer", "username": 7}).encode()  # the negative control
    with pytest.raises(OpenAPIError):
        validate(openapi, me)
