import threading
from concurrent.futures import ThreadPoolExecutor

from search.services import search_tracks


def test_identical_searches_reach_spotify_once_and_other_limits_are_other_searches(spotify):
    for query in ("Queen", "queen", "  QUEEN  "):
        assert search_tracks(query=query, limit=1).tracks[0].artista == "Queen"
    assert (spotify.stats()["search_calls"], spotify.stats()["token_calls"]) == (1, 1)
    search_tracks(query="Queen", limit=2)
    assert spotify.stats()["search_calls"] == 2


def test_concurrent_identical_misses_call_spotify_once(spotify):
    spotify.configure(latency_ms=300)
    search_tracks(query="warm the token", limit=1)  # the token fetch is not what is counted here
    start = threading.Barrier(8, timeout=30)

    def search(_):
        start.wait()
        return search_tracks(query="Bohemian Rhapsody", limit=1)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(search, range(8), timeout=60))
    assert {r.tracks[0].spotify_id for r in results} == {results[0].tracks[0].spotify_id}
    assert spotify.stats()["queries"].count("Bohemian Rhapsody") == 1
    assert sum(not r.cached for r in results) == 1
