"""The configuration tables list every variable the code reads (found by running it) with its default,
one per backticked name, in order; and every repository path the READMEs name exists."""

import re

import pytest

from tests.support.project_settings import PROJECTS, READ_ENVIRONMENTS, ROOT, environment_reads

ENGLISH = {"heading": "## Configuration", "both": "both", "on": "on", "off": "off", "empty": "empty"}
SPANISH = {"heading": "## Configuración", "both": "ambos", "on": "activado", "off": "apagado"}
TABLES = {
    "README.md": {**ENGLISH, "required": "required"},
    "docs/api-contract.md": {**ENGLISH, "required": "required"},
    "README.es.md": {**SPANISH, "empty": "vacío", "required": "obligatoria"},
}
READMES = ("README.md", "README.es.md")
VARIABLE = re.compile(r"`([A-Z][A-Z0-9_]+)`")


@pytest.fixture(scope="module")
def code_variables() -> dict[str, dict[str, list[dict]]]:
    found: dict[str, dict[str, list[dict]]] = {}
    for project in PROJECTS:
        for environment in READ_ENVIRONMENTS.values():
            for read in environment_reads(project, environment):
                found.setdefault(read["name"], {}).setdefault(project, []).append(read)
    return found


def table_rows(readme: str) -> list[list[str]]:
    text = (ROOT / readme).read_text()
    section = text.split("\n" + TABLES[readme]["heading"] + "\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows, f"{readme}: no configuration table"
    return [[cell.strip() for cell in row.strip().strip("|").split(" | ")] for row in rows]


def documented(readme: str) -> dict[str, tuple[str, str]]:
    """NAME -> (service cell, this variable's default as the README states it)."""
    found = {}
    for cells in table_rows(readme):
        assert len(cells) == 4, f"{readme}: a row of {len(cells)} cells: {cells}"
        names = VARIABLE.findall(cells[0])
        defaults = cells[2].split(", ") if len(names) > 1 else [cells[2]]
        if len(defaults) == 1:  # one default shared by every variable of the row
            defaults *= len(names)
        assert len(defaults) == len(names), f"{readme}: one default per variable, in order: {cells}"
        for name, default in zip(names, defaults, strict=True):
            assert name not in found, f"{readme}: {name} has two rows"
            found[name] = (cells[1], default)
    return found


def stated_forms(readme: str, read: dict) -> list[str]:
    words = TABLES[readme]
    if read["required"]:
        return [words["required"]]
    default = read["default"]
    if isinstance(default, bool):
        return [words["on" if default else "off"]]
    if default in ("", []):
        return [words["empty"]]
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    text = str(default)
    return [text, text.replace(".", ",")] if isinstance(default, float) else [text]


def states(cell: str, form: str) -> bool:
    return re.search(rf"(?<![\w.,]){re.escape(form)}(?![\w]|[.,]\d)", cell, re.IGNORECASE) is not None


@pytest.mark.timeout(300)
@pytest.mark.parametrize("readme", TABLES)
def test_the_configuration_table_lists_every_variable_with_its_default(readme, code_variables):
    table = documented(readme)
    missing = sorted(set(code_variables) - set(table))
    assert not missing, f"{readme}: variables the code reads and the table lacks: {missing}"
    unknown = sorted(set(table) - set(code_variables))
    assert not unknown, f"{readme}: variables in the table that no code reads: {unknown}"
    wrong = []
    for name, by_project in sorted(code_variables.items()):
        service, cell = table[name]
        named = {TABLES[readme]["both"]: {"auth", "music"}, "auth": {"auth"}, "music": {"music"}}
        services = named.get(service.split()[0], set())
        if not set(by_project) <= services:
            wrong.append(f"{name}: read by {sorted(by_project)}, the table says {service!r}")
        for project, project_reads in by_project.items():
            stated = [r for r in project_reads if r["required"] or r["default"] is not None]
            for read in stated:  # None: the code computes it (gunicorn's worker count)
                forms = stated_forms(readme, read)
                if not any(states(cell, form) for form in forms):
                    wrong.append(f"{name} ({project}): default {forms[0]!r} not in {cell!r}")
    assert not wrong, f"{readme}:\n" + "\n".join(sorted(set(wrong)))


# Backticked repository paths (a "/" or a file extension; not URLs or commands) and relative links.
PATH = re.compile(r"`([A-Za-z0-9_.][A-Za-z0-9_./-]*)`|\]\((?!https?:|#)([^)#\s]+)")
PATH_LIKE = re.compile(r"^(?:[\w.-]+/)+[\w.-]*$|^[\w-]+\.(?:md|py|yml|yaml|json|toml|txt|ini|lua|html|db)$")
URL_PATHS = {"api", "notas", "admin", "api-auth"}
NOT_PATHS = {"notas.db", "gunicorn.conf.py", "manage.py", "schema.yaml", "pytest.ini"}


def named_paths(readme: str) -> set[str]:
    found = set()
    for quoted, link in PATH.findall((ROOT / readme).read_text()):
        path = (link or quoted).rstrip("/")
        first = path.split("/")[0]
        url_or_rate = first in URL_PATHS or first.isdigit()  # /notas/..., 10/min
        if link or (PATH_LIKE.match(quoted) and path not in NOT_PATHS and not url_or_rate):
            found.add(path)
    return found


def exists(path: str) -> bool:
    """From the root or a project's folder, or a git-ignored folder the tools make."""
    if path.startswith("../"):
        return False  # outside the repository: a clone does not have it
    if any((base / path).exists() for base in (ROOT, *PROJECTS.values())):
        return True
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".gitignore").read_text().splitlines()}
    return path.split("/")[0] in ignored


@pytest.mark.parametrize("readme", READMES)
def test_every_repository_path_the_readme_names_exists(readme):
    paths = named_paths(readme)
    assert len(paths) >= 20, f"{readme}: the pattern found only {sorted(paths)}"
    missing = sorted(path for path in paths if not exists(path))
    assert not missing, f"{readme}: paths that do not exist: {missing}"
