"""Prometheus in the stack (deploy/prometheus/swarm.yml) scrapes every running task of auth, music
and the runner with the metrics_token secret, and sees the notes created through the proxy."""

import json
import urllib.parse

import pytest

from tests.support.containers import fetch_inside
from tests.support.waiting import wait_until

SCRAPE_DEADLINE = 120  # a scrape and a DNS refresh every 15 s, on a loaded machine


def query(stack, promql: str) -> dict[str, float]:
    """An instant query asked inside Prometheus' own container (it is not published): value by job."""
    prometheus = stack.wait_healthy("prometheus", 1)[0]
    url = "http://127.0.0.1:9090/api/v1/query?query=" + urllib.parse.quote(promql)
    answer = fetch_inside(prometheus, url)
    return {r["metric"].get("job", ""): float(r["value"][1]) for r in answer["data"]["result"]}


@pytest.mark.timeout(520)  # three deadlines, after the deploy when run alone
def test_prometheus_scrapes_every_task_with_the_metrics_token(stack, user):
    def running() -> dict[str, float]:
        return {name: float(len(stack.healthy(name))) for name in ("auth", "music", "runner")}

    seen = {}

    def all_up():
        seen.update(up=query(stack, "count by (job) (up == 1)"), tasks=running())
        return seen["up"] == seen["tasks"]

    wait_until(all_up, timeout=SCRAPE_DEADLINE, interval=3, message=lambda: f"up vs tasks: {seen}")

    def settled():  # earlier tests' notes may still be on their way in: two equal readings a scrape apart
        previous = seen.get("total")
        seen["total"] = query(stack, "sum(musica_notes_created_total)").get("", 0.0)
        return previous == seen["total"]

    wait_until(settled, timeout=SCRAPE_DEADLINE, interval=20, message=lambda: f"notes created: {seen}")
    before = seen["total"]
    for number in range(3):
        user.create_note(f"Imagine {number}")
    wait_until(
        lambda: query(stack, "sum(musica_notes_created_total)").get("", 0.0) == before + 3,
        timeout=SCRAPE_DEADLINE,
        interval=3,
        message=lambda: f"notes created: {query(stack, 'sum(musica_notes_created_total)')}, before {before}",
    )
    texts = json.dumps(stack.inspect_service("prometheus")) + stack.logs("prometheus")
    assert stack.values["METRICS_TOKEN"] not in texts
