from pathlib import Path

import pytest

from search.providers import ProviderUnavailable
from search.providers.spotify import SpotifyProvider, track_from_spotify


def test_the_largest_image_is_the_photo_and_no_image_is_no_photo():
    images = [{"url": url, "width": px, "height": px} for url, px in [("s", 64), ("l", 640), ("m", 300)]]
    assert track_from_spotify({"album": {"images": images}}).foto == "l"
    artists = [{"name": "a"}, {"name": "b"}]
    track = track_from_spotify({"id": "x", "name": "n", "artists": artists, "album": {}})
    assert (track.foto, track.artista) == (None, "a, b")


@pytest.mark.parametrize(("expires_in", "token_calls"), [(3600, 1), (30, 3)])  # 30 s: below our 60 s margin
def test_the_token_is_kept_in_the_cache_not_on_disk_until_about_to_expire(
    spotify, tmp_path, monkeypatch, expires_in, token_calls
):
    spotify.configure(token_expires_in=expires_in)
    monkeypatch.chdir(tmp_path)
    provider = SpotifyProvider()
    provider.search("Queen", 1)
    provider.search("Despacito", 1)
    SpotifyProvider().search("Bohemian", 1)  # another worker: same shared token
    assert spotify.stats()["token_calls"] == token_calls
    assert not list(Path(tmp_path).iterdir())  # no .cache file


def test_unreachable_spotify_is_unavailable(settings):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "id", "secret"
    settings.SPOTIFY_AUTH_URL = "http://127.0.0.1:9/api/token"
    settings.SPOTIFY_API_URL = "http://127.0.0.1:9/v1/"
    with pytest.raises(ProviderUnavailable):
        SpotifyProvider().search("Queen", 1)
    assert SpotifyProvider().is_ready() is False
