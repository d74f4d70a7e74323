"""English that must never reach a user: a deny-list built from the libraries' own English texts.

Built at test time from what is installed, so it follows upgrades:
- the msgids of the gettext catalogues of DRF, SimpleJWT, Django's admin, auth and core (the
  English originals of every translatable message);
- the English those libraries write without gettext: strings passed to DRF/SimpleJWT exceptions in
  their source (DRF's "JSON parse error - %s"), to Django's Http404 in its shortcuts and admin
  (get_object_or_404's "No Note matches the given query."), Django's CSRF reasons (DRF repeats them)
  and the text of DRF's templates and template tags ("Log in", "Raw data", "Django REST framework").

Each text is cut at its placeholders (%(name)s, {}, HTML tags) and a piece is kept when it is
distinctive: two or more words, one of them not a filler word, ASCII only; and not found in any of
the Spanish catalogues (so names such as "JSON" or a format shared by both languages never count).
"""

from __future__ import annotations

import ast
import functools
import gettext
import html
import json
import re
from html.parser import HTMLParser
from importlib.util import find_spec
from pathlib import Path

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


def _po_msgids(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    ids = []
    for match in re.finditer(r'^msgid((?:\s*".*"\n)+)', text, re.MULTILINE):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))
        ids.append(json.loads('"' + "".join(parts) + '"'))
    for match in re.finditer(r'^msgid_plural((?:\s*".*"\n)+)', text, re.MULTILINE):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))
        ids.append(json.loads('"' + "".join(parts) + '"'))
    return [i for i in ids if i]


def _mo_catalog(path: Path) -> dict:
    with path.open("rb") as fh:
        return gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]


def _mo_msgids(path: Path) -> list[str]:
    return [k if isinstance(k, str) else k[0] for k in _mo_catalog(path) if k]


def _source_strings(paths, names=GETTEXT | EXCEPTIONS) -> list[str]:
    """Literal messages given to gettext or to an exception (``names``) in library source."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in names:
                continue
            arg = node.args[0]
            if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod):
                arg = arg.left
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append(arg.value)
            if isinstance(arg, ast.JoinedStr):  # f"No {model} matches …": each value a placeholder
                found.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in arg.values))
            if isinstance(arg, ast.Dict):  # InvalidToken({"detail": _("…")})
                found += [
                    v.value for v in arg.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                ]
    return found


def _module_reasons(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and any(isinstance(t, ast.Name) and t.id.startswith("REASON_") for t in node.targets)
    ]


def _template_texts(paths) -> list[str]:
    """The English DRF writes in its templates and template tags (text and user-facing attributes)."""
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
    pieces = []
    for piece in PLACEHOLDER.split(message):
        piece = " ".join(piece.split()).strip(" .,:;!?¿¡()[]\"'«»-–|")
        words = WORD.findall(piece)
        if len(words) < 2 or not piece.isascii():
            continue
        if all(word.lower() in FILLER for word in words):
            continue
        pieces.append(piece)
    return pieces


def _spanish_texts() -> str:
    django = _package("django")
    catalogues = [
        django / "conf/locale/es/LC_MESSAGES/django.mo",
        django / "contrib/admin/locale/es/LC_MESSAGES/django.mo",
        django / "contrib/auth/locale/es/LC_MESSAGES/django.mo",
        _package("rest_framework") / "locale/es/LC_MESSAGES/django.mo",
        _package("rest_framework_simplejwt") / "locale/es/LC_MESSAGES/django.mo",
    ]
    texts = []
    for path in catalogues:
        texts += [value for key, value in _mo_catalog(path).items() if key != ""]  # "": the header
    return "\n".join(texts).lower()


@functools.cache
def deny_list() -> tuple[str, ...]:
    django = _package("django")
    drf = _package("rest_framework")
    jwt = _package("rest_framework_simplejwt")
    messages: list[str] = []
    for app in ("conf", "contrib/admin", "contrib/auth"):
        messages += _po_msgids(django / app / "locale/en/LC_MESSAGES/django.po")
    messages += _mo_msgids(drf / "locale/en/LC_MESSAGES/django.mo")  # DRF ships no .po
    for po in sorted(jwt.glob("locale/*/LC_MESSAGES/django.po")):
        messages += _po_msgids(po)
    messages += _source_strings(sorted(drf.glob("*.py")) + sorted(jwt.rglob("*.py")))
    http404 = [django / "shortcuts.py", *sorted((django / "contrib/admin").glob("*.py"))]
    messages += _source_strings(http404, names={"Http404"})
    messages += _module_reasons(django / "middleware/csrf.py")
    messages += _template_texts(sorted((drf / "templates").rglob("*.html")))
    messages += _template_texts([drf / "templatetags/rest_framework.py"])

    spanish = _spanish_texts()
    pieces = {p for m in messages for p in _pieces(m)}
    return tuple(sorted(p for p in pieces if p.lower() not in spanish))


@functools.cache
def _pattern() -> re.Pattern:
    alternatives = sorted(deny_list(), key=len, reverse=True)
    return re.compile(
        r"(?<![A-Za-z])(?:" + "|".join(re.escape(p) for p in alternatives) + r")(?![A-Za-z])", re.I
    )


def english_in(text: str) -> list[str]:
    """The deny-listed English pieces found in a text (case-insensitive, whole words)."""
    return sorted({m.group(0) for m in _pattern().finditer(text)})


class _Visible(HTMLParser):
    ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if value and (name in self.ATTRIBUTES or (name == "value" and tag in ("input", "button"))):
                if name == "value" and dict(attrs).get("type") not in ("submit", "button", "reset"):
                    continue  # a form's data (a song title), not the page's words
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """What a person reads on an HTML page: its text, titles, labels and button captions."""
    parser = _Visible()
    parser.feed(page)
    return "\n".join(" ".join(part.split()) for part in parser.parts if part.strip())


def json_text(data) -> str:
    """Every string (keys too) of a JSON document, one per line."""
    if isinstance(data, dict):
        return "\n".join(f"{key}\n{json_text(value)}" for key, value in data.items())
    if isinstance(data, list):
        return "\n".join(json_text(item) for item in data)
    return str(data) if data is not None else ""


def response_text(response) -> str:
    """The words of an HTTP response (Django's, DRF's test client's or requests'), JSON or HTML."""
    content = response.content.decode("utf-8", errors="replace")
    content_type = response.headers.get("Content-Type", "")
    if "json" in content_type:
        return json_text(json.loads(content))
    if "html" in content_type:
        return visible_text(content)
    return html.unescape(content)
