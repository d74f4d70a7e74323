"""Static files (musica_kit.storage): hashed names once collected; before, plain URLs and one warning."""

import subprocess
import sys

from musica_kit.storage import StaticFilesStorage


def test_collected_files_get_their_hashed_name_and_probes_log_no_warning(tmp_path, caplog):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    names = ["app.css", "bootstrap.min.css"]
    for name in names:
        (tmp_path / name).write_text("body { color: red; }")
    assert list(storage.post_process({name: (storage, name) for name in names}))
    storage.save_manifest()
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    url = storage.url("app.css")
    assert url.startswith("/static/app.") and url.endswith(".css") and url != "/static/app.css"
    with caplog.at_level("DEBUG", logger="musica_kit.storage"):
        # whitenoise asks for "x.css" of every collected "x.min.css": a name that exists nowhere.
        assert storage.url("bootstrap.css") == "/static/bootstrap.css"
    assert caplog.records and all(r.levelno < 30 for r in caplog.records), caplog.text


def test_a_missing_manifest_gives_plain_urls_and_one_warning_per_process(tmp_path):
    code = f"""import logging
from django.conf import settings
settings.configure()
logging.basicConfig(format="%(levelname)s %(message)s")
from musica_kit.storage import StaticFilesStorage
storage = StaticFilesStorage(location={str(tmp_path)!r}, base_url="/static/")
print(storage.url("admin/css/base.css"), storage.url("admin/css/login.css"))"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["/static/admin/css/base.css", "/static/admin/css/login.css"]
    assert done.stderr.count("WARNING static files not collected: run `manage.py collectstatic`") == 1
