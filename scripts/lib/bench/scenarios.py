"""The scenarios (docs/benchmarks.md lists them and why each exists) and the checks that make a
run trustworthy: no errors, notes in the expected state, one Spotify search per distinct song."""

import collections
import contextlib
import sqlite3
import time

from tests.support.http import Api
from tests.support.processes import music_process

from . import cpu, services
from .wrk import Bench, errors, measure, normalise, say, wrk

NOTES_POST = {"method": "POST", "path": "/notas"}
# Scenario 1v3 judges a round "balanced" when each auth worker did at least this share of the
# busiest one's work: otherwise one worker held (nearly) all of wrk's keep-alive connections.
BALANCED_SHARE = 0.25
# Offline-catalog songs of scenarios 7 and 7k (each must match, or the chain's answer is an
# incomplete 503 while Deezer and iTunes are unreachable).
CATALOG_TITLES = (
    "Bohemian Rhapsody", "Imagine", "Bésame mucho", "La Bamba", "Despacito", "Hotel California",
    "Billie Jean", "Malamente", "Gracias a la vida", "Smells Like Teen Spirit", "Here Comes the Sun",
    "Corazón partío", "Ojalá que llueva café", "La vida es un carnaval", "Hey Jude", "Wonderwall",
)  # fmt: skip


def db_counts(database, prefix: str) -> dict[str, int]:
    """Enrichment states of the notes whose song starts with ``prefix`` (read straight from SQLite)."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20)) as conn:
        rows = conn.execute(
            "SELECT enriquecimiento, COUNT(*) FROM notes_note WHERE cancion LIKE ? GROUP BY 1",
            (prefix + "%",),
        ).fetchall()
    return dict(rows)


def warm_songs(st: services.Stack) -> dict:
    return {"songs": "pool", "prefix": "warm song", "pool": len(st.pool)}


def warm_load(st: services.Stack) -> dict:
    return dict(NOTES_POST, **warm_songs(st))


def unique(prefix: str) -> dict:
    return dict(NOTES_POST, songs="unique", prefix=prefix)


def post_notes(bench: Bench, st, key: str, title: str, mode: str, expect: str | None, **load) -> None:
    """``POST /notas`` to the auth_service of ``mode``; then every note of the scenario must be in
    state ``expect`` (None: the async runner is still filling them, see ``drain``)."""
    say(f"{key}: {title}")
    auth = st.auth[mode]
    music = st.music if st.music.proc.poll() is None else None
    token = st.tokens[mode]
    measure(bench, key, title, auth.url, counts_searches=True, cpu_of=(auth, music), token=token, **load)
    if expect:
        states = db_counts(auth.database, load["prefix"])
        bench.check(set(states) == {expect}, f"{key}: every note was saved {expect} {states}")


def cold(bench: Bench, st, key: str, mode: str) -> None:
    """Every song new, the Spotify double answering after ``latency_ms``."""
    latency = bench.profile.latency_ms
    bench.double.configure(latency_ms=latency)
    prefix = f"cold {mode}"
    load = dict(unique(prefix), warm_prefix=f"{prefix} warmup")
    title = f"POST /notas, cache cold, Spotify {latency} ms ({mode})"
    if mode == "async":
        st.runner_running()
    post_notes(bench, st, key, title, mode, "ok" if mode == "sync" else None, **load)
    if mode == "async":
        drain(bench, st, prefix, key)
    bench.double.configure(latency_ms=0)


def drain(bench: Bench, st, prefix: str, key: str) -> None:
    """Wait (bounded) for the async runner to fill every note of this scenario; record how long it
    took. If notes are still pending, stop the runner (the next async scenario starts it again)."""
    database = st.auth["async"].database
    started = time.monotonic()
    searches_before = len(bench.searches())
    states = db_counts(database, prefix)
    pending = states.get("pendiente", 0)
    while states.get("pendiente", 0) and time.monotonic() < started + bench.profile.drain_timeout:
        time.sleep(0.2)
        states = db_counts(database, prefix)
    elapsed, left, total = time.monotonic() - started, states.get("pendiente", 0), sum(states.values())
    searched = len(bench.searches()) - searches_before
    filled = (
        f"{left} still pendiente after {elapsed:.0f} s"
        if left
        else f"the runner filled them in {elapsed:.1f} s"
    )
    message = f"{key}: {total} notes saved; {pending} still pendiente when the load stopped; {filled}"
    message += f"; {searched} Spotify searches while draining"
    if left:  # left running, it would fill them beside the scenarios that follow
        st.runner.stop()
        message += "; the runner was stopped so that it does not run beside the next scenarios"
    print("  " + message)
    bench.notes.append(message)
    bench.drains[key] = {
        "total": total,
        "pending": pending,
        "left": left,
        "seconds": elapsed,
        "runner_stopped": bool(left),
    }
    if bench.profile.name == "quick":
        bench.check(left == 0 and set(states) <= {"ok"}, f"{key}: the runner filled every note {states}")


def search(bench: Bench, st, key: str, title: str, music, **load) -> None:
    say(f"{key}: {title}")
    token = music.env["MUSIC_SERVICE_TOKEN"]  # music answers only auth_service's token
    load = dict(load, path="/search", where="query", token=token)
    measure(bench, key, title, music.url, counts_searches=key == "6", cpu_of=(None, music), **load)


def keyless(bench: Bench, st, key: str, providers: str, what: str) -> None:
    """music /search with the result cache off, so every search walks the provider chain."""
    unreachable = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused
    music = music_process(
        st.music.log_path.parent,
        name=f"music-{key}",
        MUSIC_PROVIDERS=providers,
        DEEZER_API_URL=unreachable,
        ITUNES_API_URL=unreachable,
        SEARCH_CACHE_TTL="0",
        **st.music_env,
    )
    with music:
        title = f"music GET /search, no cache, {what}"
        search(bench, st, key, title, music, songs="list", titles=CATALOG_TITLES)


def pair_summary(rounds: list[dict], key: str) -> tuple[float, float | None]:
    """Scenario ``key``'s notes/s and auth CPU ms per note over ``rounds``."""
    done = sum(r[f"scenario_{key}"]["requests"] for r in rounds)
    seconds = sum(r[f"scenario_{key}"]["seconds"] for r in rounds)
    cpu_s = sum(r[f"scenario_{key}"]["cpu_s"] for r in rounds)
    return (done / seconds if seconds else 0.0), (cpu_s * 1000 / done if done else None)


def pair_ratio(rounds: list[dict]) -> float | None:
    base = pair_summary(rounds, "3")[0]
    return pair_summary(rounds, "1")[0] / base if rounds and base else None


def one_vs_three(bench: Bench, st) -> None:
    """Scenarios 1 and 3 again, in alternating rounds (ABBA) at each level above one connection:
    their ratio compares neighbours in time, where rows measured minutes apart move ±30 % with
    outside load. Each round records how the auth workers shared the work."""
    profile = bench.profile
    for conns in [level for level in profile.levels if level > 1]:
        say(f"1v3: scenarios 1 and 3 in {profile.pair_rounds} alternating rounds at {conns} connections")
        rounds, bad = [], 0
        for n in range(profile.pair_rounds):
            loads = {
                "1": ("sync", warm_load(st)),
                "3": ("off", unique(f"off pair c{conns} r{n}")),
            }
            this = {}
            for key in ("1", "3") if n % 2 == 0 else ("3", "1"):
                mode, load = loads[key]
                auth = st.auth[mode]
                searches_before, before = len(bench.searches()), cpu.ticks(auth)
                load["token"] = st.tokens[mode]
                result = wrk(bench, auth.url, conns=conns, seconds=profile.pair_seconds, **load)
                bench.settle()
                spent = cpu.used(before, cpu.ticks(auth))
                bad += errors(result) + len(bench.searches()) - searches_before  # none may search
                share = cpu.worker_share(auth, spent)
                this[key] = {
                    "requests": result["requests"],
                    "seconds": result["duration_us"] / 1e6,
                    "cpu_s": cpu.seconds(spent),
                    "worker_share": 1.0 if share is None else share,
                }
            ratio = pair_ratio([{f"scenario_{key}": value for key, value in this.items()}])
            rounds.append(
                {
                    **{f"scenario_{key}": value for key, value in this.items()},
                    "ratio": ratio or 0.0,
                    "balanced": all(r["worker_share"] >= BALANCED_SHARE for r in this.values()),
                }
            )
        balanced = [r for r in rounds if r["balanced"]]
        (rps_1, cpu_1), (rps_3, cpu_3) = pair_summary(rounds, "1"), pair_summary(rounds, "3")
        pair = {
            "conns": conns,
            "rounds": profile.pair_rounds,
            "seconds_each": profile.pair_seconds,
            "rps_1": rps_1,
            "rps_3": rps_3,
            "ratio": pair_ratio(rounds) or 0.0,
            "balanced_rounds": len(balanced),
            "balanced_ratio": pair_ratio(balanced),
            "round_ratios": [r["ratio"] for r in rounds],
            "round_detail": rounds,
            "cpu_ms_auth_1": cpu_1,
            "cpu_ms_auth_3": cpu_3,
            "errors": bad,
        }
        bench.pairs.append(pair)
        print(f"  1v3 c={conns:<3} {pair_text(pair)}; errors or searches {bad}", flush=True)
        bench.check(bad == 0, f"1v3 at {conns} connections: no error, no search ({bad})")


def pair_text(pair: dict) -> str:
    rounds = ", ".join(f"{r['ratio']:.2f}{'' if r['balanced'] else '*'}" for r in pair["round_detail"])
    balanced = "—" if pair["balanced_ratio"] is None else f"{pair['balanced_ratio']:.2f}"
    return (
        f"all rounds: 1 {pair['rps_1']:.0f} / 3 {pair['rps_3']:.0f} notes/s = {pair['ratio']:.2f}; "
        f"balanced rounds ({pair['balanced_rounds']}): {balanced}; rounds {rounds} "
        f"(* a worker did under {BALANCED_SHARE:.0%} of the other's work)"
    )


def list_notes(bench: Bench, st) -> None:
    count = bench.profile.list_notes
    title = f"GET /notas, page of 20 of {count:,}"
    say(f"5: {title}")
    page = Api(st.auth["sync"].url, token=st.tokens["reader"]).get("/notas").json()
    bench.check(
        page["count"] == count and len(page["results"]) == 20,
        f"5: the reader's first page has {len(page['results'])} of {page['count']} notes",
    )
    auth, token = st.auth["sync"], st.tokens["reader"]
    measure(
        bench, "5", title, auth.url, counts_searches=False, cpu_of=(auth, None), path="/notas", token=token
    )


def warm_async(bench: Bench, st) -> None:
    st.runner_running()  # ENRICHMENT_MODE=async: saved pendiente at once, the runner fills them in
    post_notes(bench, st, "1a", "POST /notas, cache warm (async)", "async", None, **warm_load(st))
    drain(bench, st, "warm song", "1a")


def music_stopped(bench: Bench, st) -> None:
    st.music.stop()
    post_notes(bench, st, "4", "POST /notas, music stopped (sync)", "sync", "pendiente", **unique("down"))


# In this order: scenario 4 stops music, so it comes last.
SCENARIOS = {
    "6": lambda b, st: search(b, st, "6", "music GET /search, cache warm", st.music, **warm_songs(st)),
    "1": lambda b, st: post_notes(
        b, st, "1", "POST /notas, cache warm (sync)", "sync", "ok", **warm_load(st)
    ),
    "2": lambda b, st: cold(b, st, "2", "sync"),
    "3": lambda b, st: post_notes(
        b, st, "3", "POST /notas, enrichment off", "off", "pendiente", **unique("off")
    ),
    "1v3": one_vs_three,
    "5": list_notes,
    "1a": warm_async,
    "2a": lambda b, st: cold(b, st, "2a", "async"),
    "7": lambda b, st: keyless(b, st, "7", "offline", "offline catalog alone"),
    "7k": lambda b, st: keyless(b, st, "7k", "deezer,itunes,offline", "deezer,itunes unreachable → offline"),
    "4": music_stopped,
}


def run_all(bench: Bench, config: dict, workdir, only: list[str], observer) -> None:
    with services.running(bench, config, workdir) as st:
        observer.scrape_every_interval([st.auth["sync"].url, st.music.url])
        for key, scenario in SCENARIOS.items():
            if not only or key in only:
                scenario(bench, st)
        observer.stop_scraping()
    # Across the whole run, each distinct song reached the double exactly once.
    per_song = collections.Counter(normalise(q) for q in bench.searches())
    twice = {song: n for song, n in per_song.items() if n > 1}
    bench.check(
        not twice,
        f"the double received exactly one search per distinct song: {sum(per_song.values())} searches "
        f"for {len(per_song)} songs" + (f"; repeated: {dict(list(twice.items())[:5])}" if twice else ""),
    )
    bench.totals = {"searches": sum(per_song.values()), "songs": len(per_song), "repeated": len(twice)}
