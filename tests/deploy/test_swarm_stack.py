"""docker-stack.yml validates against docker/cli's vendored 3.9 schema (Debian's docker 20.10 has no
`docker stack config`) and uses nothing Swarm refuses, ignores, or this kernel cannot serve."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "deploy" / "swarm" / "docker-stack.yml"
SCHEMA = json.loads((ROOT / "deploy" / "swarm" / "schema" / "config_schema_v3.9.json").read_text())
# What `docker stack deploy` reads from the shell; the rest keep their defaults.
ENVIRONMENT = {"MUSICA_DATA_NODE": "node-1", "MUSICA_PUBLIC_HOST": "musica.example.org"}
SECRET_NAMES = re.compile(r"SECRET|KEY|TOKEN|PASSWORD|DATABASE_URL")
_VARIABLE = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\})")


def interpolate(value, env: dict):
    """docker/cli's interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match[0] == "$$":
            return "$"
        name, operator, argument = match[1], match[2], match[3]
        current = env.get(name)
        if operator == ":?" and not current:
            raise ValueError(f"{name}: {argument}")
        if (operator == ":-" and not current) or (operator == "-" and current is None):
            return argument
        return current or ""

    return _VARIABLE.sub(replace, value)


def load(env: dict | None = None) -> dict:
    config = interpolate(yaml.safe_load(STACK.read_text()), {**ENVIRONMENT, **(env or {})})
    # docker/cli casts these after interpolation, before it validates.
    for service in config["services"].values():
        for port in service.get("ports", []):
            for key in ("target", "published"):
                port[key] = int(port[key])
    return config


def schema_errors(config: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(SCHEMA)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(config)]


def test_the_stack_file_validates_against_the_compose_3_9_schema():
    config = load()
    assert config["version"] == "3.9"
    assert schema_errors(config) == []


@pytest.mark.parametrize(
    "mutation",
    [
        # What compose accepts and stack deploy refuses (tooling notes).
        lambda c: c["services"]["auth"].update(mem_limit="512m"),
        lambda c: c["services"]["music"].update(depends_on={"redis": {"condition": "service_healthy"}}),
        lambda c: c["services"]["auth"]["deploy"]["update_config"].update(order="sideways"),
        lambda c: c["services"]["proxy"]["ports"][0].update(published="443"),
    ],
    ids=["mem_limit", "depends_on_condition", "update_order", "port_as_text"],
)
def test_a_broken_copy_does_not_validate(mutation):
    broken = load()
    mutation(broken)
    assert schema_errors(broken), "the schema accepted a broken stack file: the check proves nothing"


def test_the_data_node_must_be_named():
    with pytest.raises(ValueError, match="MUSICA_DATA_NODE"):
        interpolate(yaml.safe_load(STACK.read_text()), {})


def test_no_key_that_swarm_ignores_and_every_image_named():
    for name, service in load()["services"].items():
        ignored = {"build", "restart", "depends_on", "security_opt", "container_name", "links"} & set(service)
        assert not ignored, f"{name}: {ignored} (docker stack deploy ignores them)"
        assert service["image"].startswith("musica/"), name
        for mount in service.get("volumes", []):
            assert isinstance(mount, dict) or not mount.startswith("/tmp"), f"{name}: short tmpfs form"
        assert "tmpfs" not in service, f"{name}: the short tmpfs form is ignored by Swarm"


def test_hardened_services_and_rolling_updates():
    services = load()["services"]
    assert set(services) == {"proxy", "auth", "music", "runner", "prometheus", "postgres", "redis"}
    assert services["auth"]["deploy"]["replicas"] == 2 and services["music"]["deploy"]["replicas"] == 3
    for name, service in services.items():
        deploy = service["deploy"]
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"], name
        assert service["healthcheck"]["test"], name
        assert {"type": "tmpfs", "target": "/tmp", "tmpfs": {"size": 67108864}} in service["volumes"], name
        # This kernel has no IPVS: virtual IPs do not answer, DNS round robin does.
        assert deploy["endpoint_mode"] == "dnsrr", name
        assert {"cpus", "memory", "pids"} <= set(deploy["resources"]["limits"]), name
        assert deploy["restart_policy"]["condition"] == "on-failure", name
        update = deploy["update_config"]
        assert update["parallelism"] == 1 and update["failure_action"] == "rollback", name
        assert deploy["rollback_config"]["parallelism"] == 1, name
    for name in ("auth", "music"):
        assert services[name]["deploy"]["update_config"]["order"] == "start-first", name
        assert services[name]["user"] == "10001:10001", name
    # A host-mode port cannot be held by the old and the new task at once.
    assert services["proxy"]["deploy"]["update_config"]["order"] == "stop-first"


def test_secrets_come_from_files_never_from_the_environment():
    config = load()
    declared = set(config["secrets"])
    for name, service in config["services"].items():
        env = service.get("environment", {})
        mounted = {secret["target"] for secret in service.get("secrets", [])}
        for variable, value in env.items():
            if variable.endswith("_FILE") and variable != "ENRICH_HEARTBEAT_FILE":
                assert value == f"/run/secrets/{Path(value).name}" and Path(value).name in mounted, (
                    f"{name}: {variable}={value} is not one of its secrets {mounted}"
                )
            elif SECRET_NAMES.search(variable):
                assert value == "", f"{name}: {variable} has a value in the environment"
        assert {secret["source"] for secret in service.get("secrets", [])} <= declared, name
    assert all(secret["external"] is True for secret in config["secrets"].values())
    auth = config["services"]["auth"]["environment"]
    for variable in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN", "DATABASE_URL"):
        assert f"{variable}_FILE" in auth, variable
    music = config["services"]["music"]["environment"]
    music_secrets = ("DJANGO_SECRET_KEY", "MUSIC_SERVICE_TOKEN", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET")
    for variable in music_secrets:
        assert f"{variable}_FILE" in music, variable
    assert music["DJANGO_SECRET_KEY_FILE"] != auth["DJANGO_SECRET_KEY_FILE"], "music must have its own key"


def test_auth_behind_the_proxy_trusts_forwarded_headers_from_the_edge_network_only():
    config = load()
    auth = config["services"]["auth"]["environment"]
    assert auth["DJANGO_SECURE"] == "1" and auth["DJANGO_SECURE_PROXY_SSL_HEADER"] == "1"
    assert auth["NUM_PROXIES"] == "1"
    edge = config["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert auth["FORWARDED_ALLOW_IPS"] == edge
    assert auth["DJANGO_CSRF_TRUSTED_ORIGINS"].startswith("https://")
    assert set(config["services"]["proxy"]["networks"]) == {"edge"}


def test_the_single_node_parts_are_pinned_with_named_volumes():
    config = load()
    for name, target in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        service = config["services"][name]
        assert service["deploy"]["placement"]["constraints"] == ["node.hostname == node-1"], name
        volume = next(v for v in service["volumes"] if isinstance(v, str))
        source, _, mounted = volume.partition(":")
        assert mounted == target and source in config["volumes"], name
