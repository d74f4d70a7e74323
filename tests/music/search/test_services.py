import threading

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
    start = threading.Barrier(8)
    results = []

    def worker():
        start.wait()
        results.append(search_tracks(query="Bohemian Rhapsody", limit=1))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert {r.tracks[0].spotify_id for r in results} == {results[0].tracks[0].spotify_id}
    assert spotify.stats()["queries"].count("Bohemian Rhapsody") == 1
    assert sum(not r.cached for r in results) == 1
