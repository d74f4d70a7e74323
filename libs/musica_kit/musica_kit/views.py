"""Spanish view names and descriptions (DRF's VIEW_NAME_FUNCTION / VIEW_DESCRIPTION_FUNCTION).

DRF names a view after its class ("NoteViewSet" + "List" → "Note List") and describes it with
its docstring: English text written for developers, shown as the browsable API's title and
heading and in every OPTIONS answer. Here a view says its name in Spanish:

- an APIView sets ``name = "Iniciar sesión"``;
- a ViewSet (whose ``name`` DRF resets on every ``as_view``) sets ``names = {"List": …, "Instance": …}``
  keyed by the router's suffix;

and its description only through a ``description`` attribute: a docstring is never shown.
"""

from django.utils.encoding import smart_str
from rest_framework.utils import formatting

FALLBACK_NAME = "API de Música"


def view_name(view) -> str:
    name = getattr(view, "name", None)  # an APIView's own, or an extra action's (router initkwargs)
    if name is not None:
        return name
    names = getattr(view, "names", None) or {}
    return names.get(getattr(view, "suffix", None), FALLBACK_NAME)


def view_description(view, html: bool = False) -> str:
    description = formatting.dedent(smart_str(getattr(view, "description", None) or ""))
    if html:
        return formatting.markup_description(description)
    return description
