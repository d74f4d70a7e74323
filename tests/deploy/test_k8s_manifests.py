"""deploy/k8s validates against the Kubernetes schemas, and a broken copy does not."""

import shutil
import subprocess
import sys

import pytest
import yaml

from tests.support.project_settings import ROOT


def validate(folder) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "scripts" / "lib" / "validate_k8s.py"), str(folder)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_the_manifests_validate():
    result = validate(ROOT / "deploy" / "k8s")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("kind", "change"),
    [("Deployment", {"replicas": "two"}), ("Service", {"selector": {"app": "nobody"}})],
    ids=["a_wrong_type", "a_selector_that_selects_nothing"],
)
def test_a_broken_copy_is_caught(tmp_path, kind, change):
    folder = tmp_path / "k8s"
    shutil.copytree(ROOT / "deploy" / "k8s", folder)
    music = folder / "music.yaml"
    documents = list(yaml.safe_load_all(music.read_text()))
    for document in documents:
        if document and document.get("kind") == kind:
            document["spec"].update(change)
    music.write_text(yaml.safe_dump_all(documents))
    result = validate(folder)
    assert result.returncode != 0, result.stdout
