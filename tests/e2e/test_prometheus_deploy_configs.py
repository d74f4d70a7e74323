"""The Swarm scrape configuration (deploy/prometheus/swarm.yml) passes the real promtool, with the
token file it names put here; a broken copy does not. (Debian's Prometheus is built without
Kubernetes discovery: deploy/prometheus/kubernetes.yml is checked against the manifests in
tests/deploy/test_monitoring_deploy.py.)"""

import subprocess

from tests.support.processes import ROOT
from tests.support.tools import find_prometheus

TOKEN_FILE = "/run/secrets/metrics_token"


def promtool_check(config) -> subprocess.CompletedProcess:
    promtool = find_prometheus().with_name("promtool")
    return subprocess.run(
        [str(promtool), "check", "config", str(config)], capture_output=True, text=True, timeout=60
    )


def test_the_swarm_scrape_configuration_passes_promtool(tmp_path):
    token = tmp_path / "metrics-token"
    token.write_text("x" * 40)
    shipped = (ROOT / "deploy" / "prometheus" / "swarm.yml").read_text()
    assert shipped.count(f"credentials_file: {TOKEN_FILE}") == 3  # auth, music and the runner
    config = tmp_path / "prometheus.yml"
    config.write_text(shipped.replace(TOKEN_FILE, str(token)))
    checked = promtool_check(config)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    config.write_text(shipped.replace(TOKEN_FILE, str(token)).replace("type: A", "type: X", 1))
    assert promtool_check(config).returncode != 0
