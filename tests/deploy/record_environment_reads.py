"""Run in a project's folder: prints as JSON every environment read (name, default) made while Django
loads its settings and URLconf and gunicorn.conf.py runs, through musica_kit.env or os.environ."""

import inspect
import json
import os
import runpy
import sys
from pathlib import Path

import musica_kit
import musica_kit.env

PROJECT = Path.cwd().resolve()
OURS = (str(PROJECT), str(Path(musica_kit.__file__).resolve().parent))
reads: list[dict] = []
inside_helper = 0


def recording(helper):
    signature = inspect.signature(helper)

    def wrapper(*args, **kwargs):
        global inside_helper
        if not inside_helper:  # the helpers call each other: record the outer call only
            arguments = signature.bind(*args, **kwargs)
            arguments.apply_defaults()
            given = arguments.arguments
            required = "default" not in given
            reads.append({"name": given["name"], "default": given.get("default"), "required": required})
        inside_helper += 1
        try:
            return helper(*args, **kwargs)
        finally:
            inside_helper -= 1

    return wrapper


for helper_name in ("env_str", "env_bool", "env_int", "env_float", "env_list", "env_rate", "env_required"):
    setattr(musica_kit.env, helper_name, recording(getattr(musica_kit.env, helper_name)))


class RecordingEnviron(dict):
    """Records the reads our own files make directly (the helpers' are recorded above)."""

    def _record(self, name, default=None):
        caller = sys._getframe(2).f_code.co_filename
        if not inside_helper and caller.startswith(OURS):
            reads.append({"name": name, "default": default, "required": False})

    def get(self, name, default=None):
        self._record(name, default)
        return super().get(name, default)

    def __getitem__(self, name):
        self._record(name)
        return super().__getitem__(name)

    def __contains__(self, name):
        self._record(name)
        return super().__contains__(name)


# Replaced, not patched: only this process reads it (nothing is exported to a child).
os.environ = RecordingEnviron(os.environ)  # noqa: B003
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(PROJECT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
__import__(settings.ROOT_URLCONF)
runpy.run_path(str(PROJECT / "gunicorn.conf.py"))

print(json.dumps(reads))
