"""Defaults live in the code (read by loading settings as Django does: record_environment_reads.py);
compose, k8s and .env.example differ from them only by a row of docs/settings-overrides.md."""

import re

import pytest
import yaml

from tests.support.project_settings import READ_ENVIRONMENTS, ROOT, environment_reads

TABLE = ROOT / "docs" / "settings-overrides.md"
SECRETS = {"DJANGO_SECRET_KEY", "MUSIC_DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN"}
SECRETS |= {"METRICS_TOKEN", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "POSTGRES_PASSWORD"}
COMPOSE_OWN = {"COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_PROJECT_NAME"}
COMPUTED = object()  # a default the code computes (gunicorn's worker count from REDIS_URL, ...)
SHELL_DEFAULT = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?-([^}]*))?\}")


def yaml_file(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def project_defaults(project: str) -> dict[str, object]:
    """NAME -> default of every variable the project reads (None: a required secret)."""
    found: dict[str, object] = {}
    for environment in READ_ENVIRONMENTS.values():
        for read in environment_reads(project, environment):
            if read["required"]:
                found[read["name"]] = None
            elif read["default"] is not None:
                found[read["name"]] = read["default"]
            else:  # os.environ.get("X") or <expression>, unless another read states a default
                found.setdefault(read["name"], COMPUTED)
    return found


def shell_defaults(name: str) -> dict[str, object]:
    return {m.group(1): m.group(2) or "" for m in SHELL_DEFAULT.finditer((ROOT / name).read_text())}


def image_env(dockerfile: str) -> dict[str, str]:
    """The ENV of the image's final stage: what an unset variable means there."""
    text = (ROOT / dockerfile).read_text().split("-- runtime")[-1]
    block = re.search(r"^ENV (.*?)(?:\n\n|\nWORKDIR)", text, re.S | re.M).group(1)
    return dict(re.findall(r"([A-Z_]+)=(\S+)", block))


def normalise(value: object, *, boolean: bool = False) -> str:
    text = str(value).strip() if value is not None else ""
    if boolean:
        return "1" if text.lower() in {"true", "1", "on", "yes"} else "0"
    try:
        return repr(float(text))
    except ValueError:
        return text


class Findings:
    def __init__(self):
        auth, music = project_defaults("auth"), project_defaults("music")
        entrypoint = shell_defaults("docker/auth-entrypoint.sh")
        self.defaults = {
            "auth-image": {**auth, **entrypoint, **image_env("docker/auth.Dockerfile")},
            "music-image": {**music, **image_env("docker/music.Dockerfile")},
            "run": {**auth, **music, **shell_defaults("scripts/run")},
        }
        self.allowed = set()  # (place, VARIABLE, value) of the table's rows, each with a reason
        for line in TABLE.read_text().splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) == 4 and cells[0].startswith("`"):
                places, variable, value, reason = cells
                assert len(reason) >= 15, f"{TABLE.name}: give a real reason for {variable}: {line}"
                for place in re.findall(r"`([^`]+)`", places):
                    self.allowed.add((place, variable.strip("`"), value.strip("`")))
        self.used: set[tuple[str, str, str]] = set()
        self.problems: list[str] = []

    def check(self, place: str, variable: str, value: str | None, scope: str) -> None:
        defaults = self.defaults[scope]
        if variable in COMPOSE_OWN:
            return
        if variable not in defaults:
            self.problems.append(f"{place}: sets {variable}, which nothing reads")
            return
        if variable in SECRETS or not value:
            return  # secrets are checked elsewhere; empty means "not set" to every env_* helper
        default = defaults[variable]
        boolean = isinstance(default, bool)
        same = normalise(value, boolean=boolean) == normalise(default, boolean=boolean)
        if default not in (COMPUTED, None) and same:
            return
        if (place, variable, value) in self.allowed:
            self.used.add((place, variable, value))
            return
        shown = "(computed)" if default is COMPUTED else repr(default)
        self.problems.append(f"{place}: {variable}={value!r}, not the code's {shown} nor in {TABLE.name}")


def check_compose(findings: Findings) -> None:
    for file, prefix in (("docker-compose.yml", "compose"), ("docker-compose.scale.yml", "compose-scale")):
        for name, service in yaml_file(file)["services"].items():
            image = service.get("image", "")
            if image and "musica/" not in image:
                continue  # postgres, redis: not our code
            scope = "music-image" if name == "music_service" else "auth-image"
            for variable, raw in (service.get("environment") or {}).items():
                # As it is with nothing set by the user; None when it is required (${X:?}).
                value = None if re.search(r"\$\{[A-Z_]+:\?", str(raw)) else SHELL_DEFAULT.sub(r"\2", str(raw))
                findings.check(f"{prefix}:{name}", variable, value, scope)


def check_k8s(findings: Findings) -> dict[str, bool]:
    """Checks every container's env; returns the Secret keys used -> required?"""
    folder = ROOT / "deploy" / "k8s"
    documents = [d for f in sorted(folder.glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d]
    config = next(d["data"] for d in documents if d["kind"] == "ConfigMap")
    used_config: set[str] = set()
    secret_keys: dict[str, bool] = {}
    for deployment in (d for d in documents if d["kind"] == "Deployment"):
        spec = deployment["spec"]["template"]["spec"]
        for container in spec.get("initContainers", []) + spec["containers"]:
            scope = "music-image" if "music-service" in container["image"] else "auth-image"
            for item in container.get("env", []):
                source = item.get("valueFrom", {})
                if ref := source.get("secretKeyRef"):
                    secret_keys[ref["key"]] = secret_keys.get(ref["key"], False) or not ref.get("optional")
                    continue
                if key := source.get("configMapKeyRef", {}).get("key"):
                    used_config.add(key)
                value = str(config[key] if key else item["value"])
                findings.check(f"k8s:{container['name']}", item["name"], value, scope)
    if unused := sorted(set(config) - used_config):
        findings.problems.append(f"k8s ConfigMap keys no container reads: {unused}")
    return secret_keys


@pytest.mark.timeout(300)
def test_compose_k8s_and_env_example_agree_with_the_code():
    findings = Findings()
    check_compose(findings)
    secret_keys = check_k8s(findings)
    compose_vars: dict[str, str] = {}  # the base file's default wins over the scale file's
    for file in ("docker-compose.yml", "docker-compose.scale.yml"):
        text = (ROOT / file).read_text()
        for match in SHELL_DEFAULT.finditer(text):
            compose_vars.setdefault(match.group(1), match.group(2) or "")
        for name in re.findall(r"\$\{([A-Z_][A-Z0-9_]*):\?", text):
            compose_vars.setdefault(name, "")
    # .env.example: NAME=value, set or shown commented out (`# NAME=value  (remark)`).
    example = dict(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=(\S*)", (ROOT / ".env.example").read_text(), re.M))
    for variable, value in example.items():
        if variable in compose_vars and variable not in findings.defaults["run"]:
            # Read by compose only (ports, worker counts for the containers, images).
            findings.defaults["run"][variable] = compose_vars[variable]
        findings.check(".env.example", variable, value, "run")

    # A Secret made --from-env-file of .env.example's copy must hold every key the pods require.
    if missing := sorted(key for key, required in secret_keys.items() if required and key not in example):
        findings.problems.append(f"k8s pods require Secret keys that .env.example lacks: {missing}")
    shown = set(yaml_file("deploy/k8s/secret.example.yaml")["stringData"])
    if shown != set(secret_keys):
        findings.problems.append(f"secret.example.yaml: {sorted(shown)}, the pods read {sorted(secret_keys)}")
    if stale := sorted(findings.allowed - findings.used):
        findings.problems.append(f"rows of {TABLE.name} that match nothing any more: {stale}")
    assert not findings.problems, "\n".join(findings.problems)


def test_music_never_gets_auths_key():
    services = yaml_file("docker-compose.yml")["services"]
    music_key = services["music_service"]["environment"]["DJANGO_SECRET_KEY"]
    assert music_key != services["auth_service"]["environment"]["DJANGO_SECRET_KEY"]
    assert "MUSIC_DJANGO_SECRET_KEY" in music_key
    documents = yaml.safe_load_all((ROOT / "deploy" / "k8s" / "music.yaml").read_text())
    music = next(d for d in documents if d["kind"] == "Deployment")
    env = {item["name"]: item for item in music["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["DJANGO_SECRET_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "MUSIC_DJANGO_SECRET_KEY"
    assert "optional" not in env["MUSIC_SERVICE_TOKEN"]["valueFrom"]["secretKeyRef"]


def test_the_scale_volume_exists_only_with_the_scale_file():
    """compose 1.29 creates every declared volume, profile or not: postgres-data lives elsewhere."""
    base = yaml_file("docker-compose.yml")
    assert "postgres-data" not in (base.get("volumes") or {})
    assert "postgres" not in base["services"]
    scale = (ROOT / "docker-compose.scale.yml").read_text()
    assert "${POSTGRES_PASSWORD:?" in scale and "POSTGRES_PASSWORD:-" not in scale
