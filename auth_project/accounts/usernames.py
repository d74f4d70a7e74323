"""Usernames: the key that decides which names are the same account, and the look-alike check.

``username`` keeps the name as the person wrote it (after Django's NFKC) for display; the key,
stored beside it with a unique constraint, is what registration and login compare. It is computed
here in Python: a database's ``lower()`` (SQLite's is ASCII-only) would not fold "ÁNA" or "ａｎａ".
"""

import unicodedata

from confusable_homoglyphs import categories, confusables

# UTS #39 treats Han with the Japanese kana, with Hangul and with Bopomofo as one writing system
# ("augmented scripts" Jpan, Kore, Hanb): "山田タロウ" is a single-script name, not a mix.
_AUGMENTED_SCRIPTS = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"HAN", "HANGUL"}),
    frozenset({"HAN", "BOPOMOFO"}),
)
_NO_SCRIPT = frozenset({"COMMON", "INHERITED"})  # digits, "_", ".", "@", combining marks


def username_key(username: str) -> str:
    """NFKC, case folding, NFKC again: "Ana", "ANA", "ａｎａ" and "Straße"/"STRASSE" share a key."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


def is_mixed_script_confusable(username: str) -> bool:
    """True for a name that mixes scripts and holds a character confusable with another script's
    (UTS #39, as django-registration checks it): "аna" with a Cyrillic "а", "pаypal", "Vasya_Вася".
    Single-script names in any alphabet ("Андрей", "José", "渡辺", "Ελένη") are fine."""
    scripts = categories.unique_aliases(username) - _NO_SCRIPT
    if any(scripts <= group for group in _AUGMENTED_SCRIPTS):
        return False
    return bool(confusables.is_dangerous(username))
