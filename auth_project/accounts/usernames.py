"""Usernames: the key that decides which names are the same account, and the look-alike check.

The key is computed in Python and stored beside ``username`` with a unique constraint: a
database's ``lower()`` (SQLite's is ASCII-only) would not fold "ÁNA" or "ａｎａ".
"""

import unicodedata

from confusable_homoglyphs import categories, confusables

# UTS #39 treats Han with Japanese kana, with Hangul and with Bopomofo as one writing system:
# "山田タロウ" is a single-script name, not a mix.
AUGMENTED_SCRIPTS = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"HAN", "HANGUL"}),
    frozenset({"HAN", "BOPOMOFO"}),
)
NO_SCRIPT = frozenset({"COMMON", "INHERITED"})  # digits, "_", ".", "@", combining marks


def username_key(username: str) -> str:
    """NFKC, case folding, NFKC again: "Ana", "ANA", "ａｎａ" and "Straße"/"STRASSE" share a key."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


def is_mixed_script_confusable(username: str) -> bool:
    """A name that mixes scripts and holds a character confusable with another script's (UTS #39):
    "аna" with a Cyrillic "а", "Vasya_Вася". Single-script names in any alphabet are fine."""
    scripts = categories.unique_aliases(username) - NO_SCRIPT
    if any(scripts <= group for group in AUGMENTED_SCRIPTS):
        return False
    return bool(confusables.is_dangerous(username))
