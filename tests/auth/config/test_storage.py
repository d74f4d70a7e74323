"""Static files (musica_kit.storage): hashed names once collected, plain URLs and one warning
per process before, and no warning for the names whitenoise probes at start."""

from musica_kit.storage import StaticFilesStorage


def collected(tmp_path, *names) -> StaticFilesStorage:
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    for name in names:
        (tmp_path / name).write_text("body { color: red; }")
    assert list(storage.post_process({name: (storage, name) for name in names}))
    storage.save_manifest()
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_collected_files_get_their_hashed_name_and_probes_log_no_warning(tmp_path, caplog):
    storage = collected(tmp_path, "app.css", "bootstrap.min.css")
    url = storage.url("app.css")
    assert url.startswith("/static/app.") and url.endswith(".css") and url != "/static/app.css"
    with caplog.at_level("DEBUG", logger="musica_kit.storage"):
        # whitenoise asks for "x.css" of every collected "x.min.css": a name that exists nowhere.
        assert storage.url("bootstrap.css") == "/static/bootstrap.css"
    assert caplog.records and all(r.levelno < 30 for r in caplog.records), caplog.text


def test_a_missing_manifest_gives_plain_urls_and_one_warning_per_process(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(StaticFilesStorage, "_warned_not_collected", False)
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    with caplog.at_level("WARNING", logger="musica_kit.storage"):
        assert storage.url("admin/css/base.css") == "/static/admin/css/base.css"
        storage.url("admin/css/login.css")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["static files not collected: run `manage.py collectstatic`"]
