"""Spanish view names and descriptions (DRF's VIEW_NAME_FUNCTION / VIEW_DESCRIPTION_FUNCTION),
shown by the browsable API and OPTIONS instead of the class name and the English docstring.

An APIView sets ``name``; a ViewSet (whose ``name`` DRF resets in ``as_view``) sets ``names`` keyed
by the router's suffix ("List", "Instance"). Only a ``description`` attribute is ever shown.
"""

from django.utils.encoding import smart_str
from rest_framework.utils import formatting

FALLBACK_NAME = "API de Música"


def view_name(view) -> str:
    name = getattr(view, "name", None)  # an APIView's, or an extra action's (router initkwargs)
    if name is not None:
        return name
    names = getattr(view, "names", None) or {}
    return names.get(getattr(view, "suffix", None), FALLBACK_NAME)


def view_description(view, html: bool = False) -> str:
    description = formatting.dedent(smart_str(getattr(view, "description", None) or ""))
    if html:
        return formatting.markup_description(description)
    return description
