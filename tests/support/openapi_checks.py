"""A pytest plugin for both services' suites: their OpenAPI description (``schema``), and test-client
answers held to it (``validate`` with the ``openapi`` fixture)."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def openapi(schema) -> OpenAPI:
    # Round-trip through JSON: the generator's dict holds lazy strings and ordered dicts.
    return OpenAPI.from_dict(json.loads(json.dumps(schema, default=str)))


def validate(openapi: OpenAPI, response) -> None:
    """Raises an OpenAPIError unless the description allows this answer to this request."""
    request, headers = response.wsgi_request, dict(response.headers)
    asked = {"args": dict(request.GET.items()), "headers": dict(request.headers)}
    content_type = headers.get("Content-Type", "").split(";")[0] or None  # None: no body (a 204)
    openapi.validate_response(
        MockRequest("http://testserver", request.method, request.path, **asked),
        MockResponse(response.content, response.status_code, headers=headers, content_type=content_type),
    )
