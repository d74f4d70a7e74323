"""Prometheus' Swarm, compose and Kubernetes configurations scrape what the stacks declare, with the
metrics token; the Swarm scripts build every image and create every secret (promtool: tests/e2e)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SWARM = ROOT / "deploy" / "swarm"
STACK = yaml.safe_load((SWARM / "docker-stack.yml").read_text())
SCRAPE = yaml.safe_load((ROOT / "deploy" / "prometheus" / "swarm.yml").read_text())
# docker-compose.monitoring.yml's configuration: the same jobs on the same ports.
COMPOSE_SCRAPE = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
K8S_SCRAPE = yaml.safe_load((ROOT / "deploy" / "prometheus" / "kubernetes.yml").read_text())


def port_by_job(config: dict) -> dict[str, int]:
    return {job["job_name"]: job["dns_sd_configs"][0]["port"] for job in config["scrape_configs"]}


def test_prometheus_scrapes_every_task_of_each_service_with_the_metrics_token():
    services = STACK["services"]
    token_file = "/run/secrets/metrics_token"
    with_token = {name for name, s in services.items() if s.get("environment", {}).get("METRICS_TOKEN_FILE")}
    assert with_token == {"auth", "music", "runner"}
    prometheus = services["prometheus"]
    mounted = {s["source"]: f"/run/secrets/{s['target']}" for s in prometheus["secrets"]}
    assert mounted == {"metrics_token": token_file}
    for name in with_token:
        assert services[name]["environment"]["METRICS_TOKEN_FILE"] == token_file, name
        assert "metrics_token" in {s["source"] for s in services[name]["secrets"]}, name
        assert set(services[name]["networks"]) & set(prometheus["networks"]), f"{name}: unreachable"
    jobs = {job["job_name"]: job for job in SCRAPE["scrape_configs"]}
    assert set(jobs) == with_token
    for name, job in jobs.items():
        assert job["authorization"] == {"credentials_file": token_file}, name
        assert job["dns_sd_configs"][0]["names"] == [f"tasks.{name}"], name
    assert port_by_job(SCRAPE) == port_by_job(COMPOSE_SCRAPE) == {"auth": 5000, "music": 5001, "runner": 5002}


def test_the_scripts_build_every_image_and_create_every_secret_the_stack_needs():
    built = set(re.findall(r"^build ([a-z-]+) ", (SWARM / "images.sh").read_text(), re.MULTILINE))
    named = {s["image"].split(":")[0].removeprefix("musica/") for s in STACK["services"].values()}
    assert built == named
    script = (SWARM / "secrets.sh").read_text()
    pairs = set(re.findall(r"\b([a-z_]+):[A-Z_]+\b", script))  # name:VARIABLE of the env file
    assert pairs | set(re.findall(r"\bcreate ([a-z_]+)", script)) == set(STACK["secrets"])


def test_the_kubernetes_configuration_keeps_every_declared_port_of_auth_music_and_the_runner():
    declared = set()
    for manifest in (ROOT / "deploy" / "k8s").glob("*.yaml"):
        for doc in yaml.safe_load_all(manifest.read_text()):
            if doc and doc["kind"] == "Deployment":
                for container in doc["spec"]["template"]["spec"]["containers"]:
                    declared |= {f"{container['name']};{port['name']}" for port in container.get("ports", [])}
    kept = {}
    for job in K8S_SCRAPE["scrape_configs"]:
        assert job["authorization"] == {"credentials_file": "/etc/prometheus/metrics-token"}
        assert job["kubernetes_sd_configs"] == [{"role": "pod", "namespaces": {"names": ["musica"]}}]
        keep = job["relabel_configs"][0]
        assert keep["action"] == "keep" and keep["source_labels"][0] == "__meta_kubernetes_pod_container_name"
        kept[job["job_name"]] = keep["regex"]
    assert kept == {"auth": "auth;http", "music": "music;http", "runner": "enrich-runner;metrics"}
    assert set(kept.values()) == declared
