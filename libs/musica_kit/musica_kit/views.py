"""Spanish view names (``name``, or a ViewSet's ``names`` by suffix); no descriptions, never docstrings."""

FALLBACK_NAME = "API de Música"


def view_name(view) -> str:
    if (name := getattr(view, "name", None)) is not None:
        return name
    return getattr(view, "names", {}).get(getattr(view, "suffix", None), FALLBACK_NAME)


def view_description(view, html: bool = False) -> str:
    return ""
