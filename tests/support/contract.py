"""What docs/api-contract.md promises, written once for the tests that hold the code to it."""

# TRACK, music's answer for one song: its keys in the contract's order.
TRACK_KEYS = [
    "spotify_id", "titulo", "artista", "album", "foto", "spotify_url", "preview_url", "duracion_ms", "url",
]  # fmt: skip
