"""music_service's OpenAPI: valid without warnings, complete, served offline, true to real answers."""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from openapi_core.exceptions import OpenAPIError
from openapi_spec_validator import validate as validate_spec

from search.providers import get_chain
from tests.support.contract import TRACK_KEYS
from tests.support.openapi_checks import validate

CONTRACT = {"/search": {"get"}, "/health": {"get"}, "/ready": {"get"}}
DOC_PATHS = ["/api/schema", "/api/schema/", "/api/docs", "/api/docs/", "/api/redoc", "/api/redoc/"]


def test_spectacular_validate_reports_no_warnings_and_no_errors(tmp_path, capsys):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Error" not in captured.err, captured.err
    document = yaml.safe_load(out.read_text())
    validate_spec(json.loads(json.dumps(document)))


def test_every_endpoint_field_parameter_answer_and_security_is_described(schema):
    assert {path: set(ops) for path, ops in schema["paths"].items()} == CONTRACT
    assert schema["components"]["securitySchemes"]["serviceToken"]["scheme"] == "bearer"
    assert not schema["paths"]["/health"]["get"].get("security")
    for path in ("/search", "/ready"):
        assert schema["paths"][path]["get"]["security"] == [{"serviceToken": []}]
    search = schema["paths"]["/search"]["get"]
    params = {p["name"]: p for p in search["parameters"] if "name" in p}
    assert params["q"]["required"] is True
    assert params["q"]["schema"] == {"type": "string", "minLength": 1, "maxLength": 200}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 10, "default": 1}
    assert set(search["responses"]) == {"200", "400", "401", "502", "503"}
    for status in ("400", "401", "502", "503"):
        ref = search["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error"
    assert set(schema["components"]["schemas"]["Track"]["properties"]) == set(TRACK_KEYS)
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") and operation.get("tags"), f"{method} {path}"


@pytest.mark.parametrize("path", DOC_PATHS)
def test_the_docs_are_served_from_this_host_and_with_a_service_token_set_they_need_it(client, settings, path):
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    if path.startswith(("/api/docs", "/api/redoc")):  # nothing loaded from another host
        urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
        assert urls and all(url.startswith("/static/drf_spectacular_sidecar/") for url in urls), urls
        assert "http://" not in html and "https://" not in html
        assert all(client.get(url).status_code == 200 for url in urls), urls
    settings.MUSIC_SERVICE_TOKEN = "s3cret-token"
    assert client.get(path).status_code == 401
    assert client.get(path, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get(path, HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200
    assert client.get("/health").status_code == 200


def test_real_answers_validate_against_the_schema_and_a_wrong_one_not(openapi, client, settings, spotify):
    validate(openapi, client.get("/search", {"q": "Queen", "limit": "3"}))
    validate(openapi, client.get("/search", {"q": "zzzz-no-such-song"}))
    validate(openapi, client.get("/search", {"limit": "11"}))
    validate(openapi, client.get("/health"))
    validate(openapi, client.get("/ready"))
    spotify.configure(mode="503")
    settings.MUSIC_SERVICE_TOKEN = "s3cret-token"
    for status, authorization in [(503, "Bearer s3cret-token"), (401, "")]:
        answer = client.get("/search", {"q": "Queen again"}, HTTP_AUTHORIZATION=authorization)
        assert answer.status_code == status
        validate(openapi, answer)
    settings.MUSIC_PROVIDERS = ["offline"]
    settings.MUSIC_SERVICE_TOKEN = ""
    get_chain.cache_clear()
    found = client.get("/search", {"q": "Bohemian Rhapsody"})
    assert found.json()["source"] == "offline" and found.json()["results"]
    validate(openapi, found)
    body = found.json()  # the negative control: a wrong answer fails
    body["results"][0]["duracion_ms"] = "three minutes"
    found.content = json.dumps(body).encode()
    with pytest.raises(OpenAPIError):
        validate(openapi, found)
