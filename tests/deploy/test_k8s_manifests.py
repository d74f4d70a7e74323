"""deploy/k8s validates against the Kubernetes schemas, and a broken copy does not."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "scripts" / "lib" / "validate_k8s.py"


def validate(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(VALIDATOR), str(folder)], capture_output=True, text=True, timeout=120
    )


def test_the_manifests_validate():
    result = validate(ROOT / "deploy" / "k8s")
    assert result.returncode == 0, result.stdout + result.stderr


def _break(tmp_path: Path, file: str, mutate) -> Path:
    folder = tmp_path / "k8s"
    shutil.copytree(ROOT / "deploy" / "k8s", folder)
    documents = list(yaml.safe_load_all((folder / file).read_text()))
    mutate(documents)
    (folder / file).write_text(yaml.safe_dump_all(documents))
    return folder


def test_a_wrong_type_is_caught(tmp_path):
    def replicas_as_text(documents):
        for document in documents:
            if document and document.get("kind") == "Deployment":
                document["spec"]["replicas"] = "two"

    result = validate(_break(tmp_path, "music.yaml", replicas_as_text))
    assert result.returncode != 0


def test_a_selector_that_selects_nothing_is_caught(tmp_path):
    def wrong_selector(documents):
        for document in documents:
            if document and document.get("kind") == "Service":
                document["spec"]["selector"] = {"app": "nobody"}

    result = validate(_break(tmp_path, "music.yaml", wrong_selector))
    assert result.returncode != 0
