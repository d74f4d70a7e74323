"""DRF without contrib.auth: no user model, no ContentType, only the service-token check."""

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
    "DEFAULT_AUTHENTICATION_CLASSES": ["search.service_token.ServiceTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["search.service_token.IsTrustedCaller"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["musica_kit.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "musica_kit.errors.api_exception_handler",
    "VIEW_NAME_FUNCTION": "musica_kit.views.view_name",
    "VIEW_DESCRIPTION_FUNCTION": "musica_kit.views.view_description",
}
