"""auth's OpenAPI description: complete, and true: real answers validate against it (openapi-core also
validates the schema; spectacular --validate, the offline docs: e2e test_scripts_manage, test_browser)."""

import json

import pytest
import yaml
from openapi_core.exceptions import OpenAPIError
from rest_framework.test import APIClient

from notes.models import Enrichment, Note
from tests.support.openapi_checks import validate

POSTS = {"/register", "/login", "/token/refresh", "/logout"}
CONTRACT = {**{path: {"post"} for path in POSTS}, "/me": {"get"}, "/health": {"get"}, "/ready": {"get"}}
CONTRACT |= {"/notas": {"get", "post"}, "/notas/{id}": {"get", "put", "patch", "delete"}}
PUBLIC = {(path, "post") for path in POSTS - {"/logout"}} | {("/health", "get"), ("/ready", "get")}
WRITES = {("/notas", "post"), ("/notas/{id}", "put"), ("/notas/{id}", "patch")}  # the only /notas 429s


def test_every_contract_operation_and_field_is_described_with_its_errors_and_who_may_call_it(schema):
    assert {path: set(operations) for path, operations in schema["paths"].items()} == CONTRACT
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary") and operation.get("tags"), where
            assert {"$ref": "#/components/parameters/RequestId"} in operation["parameters"], where
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and path != "/ready":
                    shape = "Throttled" if status == "429" else "Error"  # a 429 carries the wait
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith(f"/{shape}"), where
                    assert response["description"], f"{where} {status}"
            schemes = {name for requirement in operation.get("security", []) for name in requirement}
            assert ("jwtAuth" in schemes) is ((path, method) not in PUBLIC), where
    limited = [
        (p, m) for p, ops in schema["paths"].items() for m, op in ops.items() if "429" in op["responses"]
    ]
    assert {(p, m) for p, m in limited if p.startswith("/notas")} == WRITES
    create = schema["paths"]["/notas"]["post"]
    key = next(p for p in create["parameters"] if p.get("name") == "Idempotency-Key")
    assert key["in"] == "header" and not key.get("required", False)
    assert {"409", "422"} <= set(create["responses"])
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
    security = schema["components"]["securitySchemes"]
    assert security["jwtAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert security["cookieAuth"]["in"] == "cookie"
    components = schema["components"]["schemas"]  # every field described, errors are error and detalle
    for name, component in components.items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
    for shape in (components["Error"], components["Throttled"]):
        assert set(shape["properties"]) == set(shape["required"]) == {"error", "detalle"}
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


@pytest.mark.django_db
def test_real_answers_validate_against_the_schema_and_a_wrong_one_does_not(openapi, settings, rates):
    settings.ENRICHMENT_MODE = "off"  # music plays no part in the shape of these answers
    anonymous, user = APIClient(), APIClient()

    def check(status, client, method, path, body=None, **extra):
        encoded = {} if body is None or "content_type" in extra else {"format": "json"}
        response = getattr(client, method)(path, body, **encoded, **extra)
        assert response.status_code == status, response.content
        validate(openapi, response)
        return response.json() if response.content else None

    account = {"username": "ana", "password": "Canciones-2026"}
    check(400, anonymous, "post", "/register", {**account, "password": "x"})
    check(201, anonymous, "post", "/register", account)
    check(401, anonymous, "post", "/login", {**account, "password": "mal"})
    tokens = check(200, anonymous, "post", "/login", account)
    check(401, anonymous, "get", "/notas")
    user.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    check(200, user, "get", "/me")
    check(400, user, "post", "/notas", {"texto": "sin canción"})
    check(400, user, "post", "/notas", b"{no es json", content_type="application/json")
    note_id = check(201, user, "post", "/notas", {"cancion": "Queen"}, HTTP_IDEMPOTENCY_KEY="k")["nota"]["id"]
    check(201, user, "post", "/notas", {"cancion": "Queen"}, HTTP_IDEMPOTENCY_KEY="k")  # replayed
    check(422, user, "post", "/notas", {"cancion": "Otra"}, HTTP_IDEMPOTENCY_KEY="k")
    check(200, user, "get", "/notas")
    check(200, user, "patch", f"/notas/{note_id}", {"texto": "otra"})
    check(200, user, "put", f"/notas/{note_id}", {"cancion": "Queen", "texto": "y otra"})
    check(404, user, "get", "/notas/999999")
    # A note that music enriched: foto, musica and enriquecimiento filled in.
    cover = "data:image/svg+xml;base64,PHN2Zy8+"
    Note.objects.filter(pk=note_id).update(enriquecimiento=Enrichment.OK, foto=cover, titulo="Bohemian")
    check(200, user, "get", f"/notas/{note_id}")
    check(204, user, "delete", f"/notas/{note_id}")
    refreshed = check(200, anonymous, "post", "/token/refresh", {"refresh": tokens["refresh"]})
    check(401, anonymous, "post", "/token/refresh", {"refresh": tokens["refresh"]})
    check(400, user, "post", "/logout", {"refresh": "no-es-un-token"})
    check(204, user, "post", "/logout", {"refresh": refreshed["refresh"]})
    check(200, anonymous, "get", "/health")
    check(200, anonymous, "get", "/ready")
    rates(notes_write="1/min")  # this user's window already holds more writes
    check(429, user, "post", "/notas", {"cancion": "Queen"})

    me = user.get("/me")
    me.content = json.dumps({"id": "not-an-integer", "username": 7}).encode()  # the negative control
    with pytest.raises(OpenAPIError):
        validate(openapi, me)
