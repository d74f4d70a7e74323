"""Which names are one account (a key stored with a unique constraint: SQL's lower() would not fold
"ÁNA" or "ａｎａ"), and the look-alike check."""

import unicodedata

from confusable_homoglyphs import categories, confusables

# UTS #39: Han with kana, Hangul or Bopomofo is one writing system ("山田タロウ" is no mix).
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
    """Mixed scripts with a character confusable with another script's (UTS #39): "аna", Cyrillic "а"."""
    scripts = categories.unique_aliases(username) - NO_SCRIPT
    if any(scripts <= group for group in AUGMENTED_SCRIPTS):
        return False
    return bool(confusables.is_dangerous(username))
