"""The built-in catalog (search/catalog/songs.json), with generated covers: no keys, no network."""

import base64
import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from rapidfuzz import fuzz

from musica_kit.track import Track

from .base import ProviderUnavailable

CATALOG_PATH = Path(__file__).resolve().parent.parent / "catalog" / "songs.json"

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Alone they name no song. Not "se", which is also "sé" ("No sé tú").
STOP_WORDS = frozenset({
    "a", "an", "and", "at", "by", "for", "i", "in", "is", "it", "me", "my", "no", "of", "on", "or", "the",
    "to", "you", "your", "al", "de", "del", "e", "el", "en", "la", "las", "le", "lo", "los", "mi", "o", "su",
    "te", "tu", "u", "un", "una", "unas", "uno", "unos", "y", "yo",
})  # fmt: skip
# Shorter query words must be whole words: "ai" must not find "Ain't No Mountain High Enough".
PREFIX_MIN = 3
# With limit=1 (a note's lookup) "love" (30) must not make "Love Will Tear Us Apart" a note's cover.
SONG_SIMILARITY_MIN = 60


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", stripped.casefold())).strip()


@dataclass(frozen=True, slots=True)
class CatalogSong:
    track: Track
    title_norm: str
    artist_norm: str
    title_tokens: tuple[str, ...]
    artist_tokens: tuple[str, ...]
    album_tokens: tuple[str, ...]


def _song(raw: dict) -> CatalogSong:
    titulo, artista, album = (str(raw[key]).strip() for key in ("titulo", "artista", "album"))
    track = Track(
        spotify_id=None,
        titulo=titulo,
        artista=artista,
        album=album,
        foto=cover_data_uri(titulo, artista),
        spotify_url="https://open.spotify.com/search/" + quote(f"{titulo} {artista}", safe=""),
        preview_url=None,
        duracion_ms=None,
        url=None,
    )
    normalized = [normalize(text) for text in (titulo, artista, album)]
    return CatalogSong(track, *normalized[:2], *(tuple(text.split()) for text in normalized))


@functools.cache
def load_catalog(path: Path = CATALOG_PATH) -> tuple[CatalogSong, ...]:
    """Each song's track, cover included, is made once per process."""
    return tuple(_song(item) for item in json.loads(Path(path).read_text(encoding="utf-8")))


def _svg_text(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return escape(_XML_INVALID.sub("", text))


def cover_svg(titulo: str, artista: str) -> str:
    """Colours from a SHA-256 of title and artist (not hash()): every process draws the same bytes. A dark
    background, a light record label: the white text stays legible."""
    digest = hashlib.sha256(f"{artista}\x1f{titulo}".encode()).digest()
    background = "#" + "".join(f"{byte % 128:02x}" for byte in digest[:3])
    accent = "#" + "".join(f"{byte | 128:02x}" for byte in digest[3:6])
    cx, cy = 120 + digest[6] % 60, 100 + digest[7] % 40
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300">'
        f'<rect width="300" height="300" fill="{background}"/>'
        f'<circle cx="{cx}" cy="{cy}" r="86" fill="#111" opacity=".85"/>'
        f'<circle cx="{cx}" cy="{cy}" r="26" fill="{accent}"/>'
        '<rect y="212" width="300" height="88" fill="#000" opacity=".45"/>'
        '<g font-family="Helvetica,Arial,sans-serif" fill="#fff">'
        f'<text x="16" y="247" font-size="20" font-weight="bold">{_svg_text(titulo, 22)}</text>'
        f'<text x="16" y="277" font-size="16" opacity=".85">{_svg_text(artista, 30)}</text>'
        "</g></svg>"
    )


def cover_data_uri(titulo: str, artista: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(cover_svg(titulo, artista).encode()).decode()


def _tokens_match(query_tokens: list[str], field_tokens: tuple[str, ...]) -> bool:
    return all(
        any(t.startswith(q) if len(q) >= PREFIX_MIN else t == q for t in field_tokens) for q in query_tokens
    )


def _rank(song: CatalogSong, query_norm: str, query_tokens: list[str]) -> int | None:
    """Lower is better; None when the song does not match."""
    if not _tokens_match(query_tokens, song.title_tokens + song.artist_tokens + song.album_tokens):
        return None
    if song.title_norm == query_norm:
        return 0
    # The exact artist ("Queen") means their songs, not titles containing the word.
    if song.artist_norm == query_norm:
        return 1
    if song.title_norm.startswith(query_norm):
        return 2
    for rank, tokens in enumerate((song.title_tokens, song.artist_tokens, song.album_tokens), start=3):
        if _tokens_match(query_tokens, tokens):
            return rank
    return 6 if _tokens_match(query_tokens, song.title_tokens + song.artist_tokens) else 7


def _similarity(query_norm: str, song: CatalogSong) -> float:
    names = (song.title_norm, song.artist_norm, f"{song.title_norm} {song.artist_norm}")
    return max(fuzz.token_sort_ratio(query_norm, name) for name in names)


class OfflineProvider:
    name = "offline"
    local = True

    def __init__(self, catalog_path: Path | str = CATALOG_PATH):
        self.catalog_path = Path(catalog_path)

    def _catalog(self) -> tuple[CatalogSong, ...]:
        try:
            return load_catalog(self.catalog_path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ProviderUnavailable("El catálogo sin conexión no está disponible.") from exc

    def search(self, query: str, limit: int) -> list[Track]:
        query_norm = normalize(query)
        query_tokens = query_norm.split()
        if limit <= 0 or len("".join(t for t in query_tokens if t not in STOP_WORDS)) < 2:
            return []
        ranked = sorted(
            (rank, position, song)
            for position, song in enumerate(self._catalog())
            if (rank := _rank(song, query_norm, query_tokens)) is not None
        )
        songs = [song for _, _, song in ranked[:limit]]
        if limit == 1 and songs and _similarity(query_norm, songs[0]) < SONG_SIMILARITY_MIN:
            return []
        return [song.track for song in songs]

    def is_ready(self) -> bool:
        try:
            return len(self._catalog()) > 0
        except ProviderUnavailable:
            return False
