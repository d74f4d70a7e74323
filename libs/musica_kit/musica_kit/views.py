"""Spanish view names (``name``, or a ViewSet's ``names`` by suffix) and descriptions, never docstrings."""

from django.utils.encoding import smart_str
from rest_framework.utils import formatting

FALLBACK_NAME = "API de Música"


def view_name(view) -> str:
    if (name := getattr(view, "name", None)) is not None:
        return name
    names = getattr(view, "names", None) or {}
    return names.get(getattr(view, "suffix", None), FALLBACK_NAME)


def view_description(view, html: bool = False) -> str:
    description = formatting.dedent(smart_str(getattr(view, "description", None) or ""))
    if html:
        return formatting.markup_description(description)
    return description
