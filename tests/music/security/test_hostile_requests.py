"""music_service answers hostile requests with JSON 4xx: huge bodies, odd methods, odd paths."""

import json

import pytest
from rest_framework.test import APIClient

MIB = 1024 * 1024


@pytest.mark.parametrize("path", ["/search?q=Queen", "/health", "/ready", "/nada"])
def test_a_body_over_one_mib_is_a_json_413(path):
    response = APIClient().generic("GET", path, "x" * (MIB + 1), content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detalle"] == {"max_bytes": MIB}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"])
def test_other_methods_are_a_json_405(method):
    response = APIClient().generic(
        method, "/search?q=Queen", json.dumps({"q": "x"}), content_type="application/json"
    )
    assert response.status_code == 405
    assert set(response.json()) == {"error", "detalle"}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=",
        "?q=%20",
        "?q=" + "a" * 201,
        "?q=Queen&limit=0",
        "?q=Queen&limit=11",
        "?q=Queen&limit=uno",
        "?q=%00",
        "?q=Queen&limit=1e3",
        "?limit=1",
    ],
)
def test_bad_queries_are_a_json_400(query):
    response = APIClient().get(f"/search{query}")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"error", "detalle"}


def test_script_in_the_query_is_escaped_in_the_browsable_api():
    response = APIClient().get("/search?q=<script>alert(1)</script>", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
