"""Content-Security-Policy checks shared by the unit suites and the browser tests."""

import base64
import hashlib
from html.parser import HTMLParser


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        if part.strip():
            name, *values = part.split()
            parsed[name.lower()] = values
    return parsed


def assert_strict_policy(policy: str | None, where: str) -> dict[str, list[str]]:
    """A page policy: present, never eval, inline scripts only by nonce or hash, no plugins, no framing."""
    assert policy, f"{where}: no Content-Security-Policy header"
    assert "'unsafe-eval'" not in policy, (where, policy)
    found = directives(policy)
    for name in ("script-src", "script-src-elem", "script-src-attr"):
        assert "'unsafe-inline'" not in found.get(name, []), (where, policy)
    scripts = found.get("script-src") or found.get("default-src")
    assert scripts and not {"*", "http:", "https:", "data:", "blob:"} & set(scripts), (where, policy)
    assert found.get("default-src") in (["'self'"], ["'none'"]), (where, policy)
    assert found.get("object-src") == ["'none'"] or found.get("default-src") == ["'none'"], (where, policy)
    assert found.get("frame-ancestors") == ["'none'"], (where, policy)
    assert found.get("base-uri") in (["'none'"], ["'self'"]), (where, policy)
    assert found.get("form-action") in (["'self'"], ["'none'"]), (where, policy)
    return found


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class InlineCode(HTMLParser):
    """Inline <script>/<style> elements (with their nonce) and on*/style attributes of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str | None] = []  # nonce of each executable inline script
        self.styles: list[str | None] = []
        self.handlers: list[str] = []
        self.style_attributes: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        executable = attributes.get("type", "text/javascript") in ("text/javascript", "module", "")
        if tag == "script" and "src" not in attributes and executable:
            self.scripts.append(attributes.get("nonce"))
        if tag == "style":
            self.styles.append(attributes.get("nonce"))
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(value or "")
            elif name == "style":
                self.style_attributes.append(value or "")


def assert_inline_code_allowed(html: str, policy: str, where: str) -> InlineCode:
    """Every inline script, style, handler and style attribute of the page is allowed by the policy."""
    found = directives(policy)
    page = InlineCode(html)
    script_src = found.get("script-src-elem") or found["script-src"]
    style_src = found.get("style-src-elem") or found.get("style-src") or found["default-src"]
    for nonce in page.scripts:
        assert nonce and f"'nonce-{nonce}'" in script_src, (where, nonce, script_src)
    for nonce in page.styles:
        allowed = "'unsafe-inline'" in style_src or (nonce and f"'nonce-{nonce}'" in style_src)
        assert allowed, (where, style_src)
    handlers = found.get("script-src-attr") or script_src
    for handler in page.handlers:
        assert "'unsafe-hashes'" in handlers and sha256_source(handler) in handlers, (where, handler)
    attributes = found.get("style-src-attr") or found.get("style-src") or found["default-src"]
    for style in page.style_attributes:
        assert "'unsafe-inline'" in attributes or (
            "'unsafe-hashes'" in attributes and sha256_source(style) in attributes
        ), (where, style)
    return page
