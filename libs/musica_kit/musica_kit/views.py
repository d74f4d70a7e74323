"""Spanish view names (``name``, or a ViewSet's ``names`` by suffix); no descriptions, never docstrings."""


def view_name(view) -> str:
    if (name := getattr(view, "name", None)) is not None:
        return name
    return getattr(view, "names", {}).get(getattr(view, "suffix", None), "API de Música")


def view_description(view, html: bool = False) -> str:
    return ""
