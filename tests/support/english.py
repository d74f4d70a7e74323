"""English that must never reach a user: pieces of the installed DRF/SimpleJWT/Django English (their
catalogues, sources and templates) that no Spanish catalogue contains, so the list follows upgrades."""

import ast
import functools
import gettext
import html
import json
import re
from html.parser import HTMLParser
from importlib.util import find_spec
from pathlib import Path

from django.middleware import csrf

FILLER = {
    "a", "an", "the", "of", "at", "in", "on", "to", "for", "and", "or", "is", "be", "by", "with",
    "this", "that", "it", "as", "from", "not", "no", "s", "d", "if", "you", "your", "are", "was",
}  # fmt: skip
EXCEPTIONS = {
    "APIException", "ParseError", "AuthenticationFailed", "NotAuthenticated", "PermissionDenied",
    "NotFound", "MethodNotAllowed", "NotAcceptable", "UnsupportedMediaType", "Throttled",
    "ValidationError", "InvalidToken", "TokenError", "TokenBackendError",
}  # fmt: skip
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfir]|%[sdfir]|\{[^{}]*\}|<[^>]*>|\\n|\n|&\w+;|\s-\s|:\s")
WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def _package(name: str) -> Path:
    spec = find_spec(name)
    assert spec is not None and spec.origin, f"{name} is not installed"
    return Path(spec.origin).parent


def po_msgids(path: Path) -> list[str]:
    ids = []
    for match in re.finditer(r'^msgid(?:_plural)?((?:\s*".*"\n)+)', path.read_text(encoding="utf-8"), re.M):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))
        ids.append(json.loads('"' + "".join(parts) + '"'))
    return [i for i in ids if i]


def _mo_catalog(path: Path) -> dict:
    with path.open("rb") as fh:
        return gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]


def _source_strings(paths, names=GETTEXT | EXCEPTIONS) -> list[str]:
    """Literal messages given to gettext or to an exception (``names``)."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            if (func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")) not in names:
                continue
            arg = node.args[0]
            if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod):
                arg = arg.left
            if isinstance(arg, ast.JoinedStr):  # f"No {model} matches …": each value a placeholder
                found.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in arg.values))
            values = arg.values if isinstance(arg, ast.Dict) else [arg]  # InvalidToken({"detail": _("…")})
            found += [v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return found


def _template_texts(paths) -> list[str]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":  # HTML snippets in template tags
            text = "\n".join(re.findall(r"<[a-z][^\"']*?>[^<]*<", text))
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "|", text, flags=re.DOTALL)
        found += re.findall(r">([^<>]+)<", text)
        found += re.findall(r'(?:title|aria-label|value|placeholder|alt)="([^"]*)"', text)
        found += re.findall(r"(?:title|aria-label|value|placeholder|alt)='([^']*)'", text)
    return found


def _pieces(message: str) -> list[str]:
    """Pieces between placeholders with 2+ words, not all fillers, ASCII only."""
    pieces = []
    for piece in PLACEHOLDER.split(message):
        piece = " ".join(piece.split()).strip(" .,:;!?¿¡()[]\"'«»-–|")
        words = WORD.findall(piece)
        if len(words) >= 2 and piece.isascii() and not all(word.lower() in FILLER for word in words):
            pieces.append(piece)
    return pieces


@functools.cache
def _deny_pattern() -> re.Pattern:
    """The pieces of English to catch as one pattern, the longest alternative tried first."""
    django, drf, jwt = _package("django"), _package("rest_framework"), _package("rest_framework_simplejwt")
    messages: list[str] = []
    for app in ("conf", "contrib/admin", "contrib/auth"):
        messages += po_msgids(django / app / "locale/en/LC_MESSAGES/django.po")
    drf_english = _mo_catalog(drf / "locale/en/LC_MESSAGES/django.mo")  # DRF ships no .po
    messages += [k if isinstance(k, str) else k[0] for k in drf_english]
    for po in sorted(jwt.glob("locale/*/LC_MESSAGES/django.po")):
        messages += po_msgids(po)
    messages += _source_strings(sorted(drf.glob("*.py")) + sorted(jwt.rglob("*.py")))
    http404 = [django / "shortcuts.py", *sorted((django / "contrib/admin").glob("*.py"))]
    messages += _source_strings(http404, names={"Http404"})
    messages += [reason for name, reason in vars(csrf).items() if name.startswith("REASON_")]  # CSRF 403s
    templates = sorted((drf / "templates").rglob("*.html"))
    messages += _template_texts([*templates, drf / "templatetags/rest_framework.py"])

    folders = [django / "conf", django / "contrib/admin", django / "contrib/auth", drf, jwt]
    catalogues = [_mo_catalog(folder / "locale/es/LC_MESSAGES/django.mo") for folder in folders]
    # Every translation (the key "" is the catalogue's header).
    spanish = "\n".join(v for catalogue in catalogues for k, v in catalogue.items() if k != "").lower()
    deny = {p for m in messages if m for p in _pieces(m) if p.lower() not in spanish}
    alternatives = "|".join(re.escape(p) for p in sorted(deny, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", re.I)


def english_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in _deny_pattern().finditer(text)})


class _Visible(HTMLParser):
    HIDDEN = ("script", "style", "template")
    SHOWN = ("title", "aria-label", "alt", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        button = tag in ("input", "button") and dict(attrs).get("type") in ("submit", "button", "reset")
        for name, value in attrs:  # a form's value is its data (a song title), a button's its caption
            if value and (name in self.SHOWN or (name == "value" and button)):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """Text, titles, labels and button captions: what a person reads."""
    parser = _Visible()
    parser.feed(page)
    return "\n".join(" ".join(part.split()) for part in parser.parts if part.strip())


def json_text(data) -> str:
    if isinstance(data, dict):
        return "\n".join(f"{key}\n{json_text(value)}" for key, value in data.items())
    if isinstance(data, list):
        return "\n".join(json_text(item) for item in data)
    return str(data) if data is not None else ""


def response_text(response) -> str:
    """The words of a Django, DRF test client or requests response, JSON or HTML."""
    content = response.content.decode("utf-8", errors="replace")
    content_type = response.headers.get("Content-Type", "")
    if "json" in content_type:
        return json_text(json.loads(content))
    return visible_text(content) if "html" in content_type else html.unescape(content)


def assert_spanish_error(response, status: int) -> dict:
    """A test client's error answer: ``status``, the contract's JSON error, nothing English in it."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error", "detalle"} and body["error"].strip(), body
    assert english_in(response_text(response)) == [], (response.request["PATH_INFO"], body)
    return body
