from musica_kit.storage import StaticFilesStorage


def test_a_missing_manifest_gives_the_plain_url_instead_of_an_error(tmp_path):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("admin/css/base.css") == "/static/admin/css/base.css"


def test_collected_files_get_their_hashed_name(tmp_path):
    (tmp_path / "app.css").write_text("body { color: red; }")
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    processed = list(storage.post_process({"app.css": (storage, "app.css")}))
    assert processed
    storage.save_manifest()
    fresh = StaticFilesStorage(location=tmp_path, base_url="/static/")
    url = fresh.url("app.css")
    assert url.startswith("/static/app.") and url.endswith(".css") and url != "/static/app.css"


def _collected(tmp_path, *names):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    for name in names:
        (tmp_path / name).write_text("body { color: red; }")
    list(storage.post_process({name: (storage, name) for name in names}))
    storage.save_manifest()
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_whitenoise_probing_collected_files_logs_no_warning(tmp_path, caplog):
    """whitenoise asks for "x.css" of every collected "x.min.css" at start: not a warning (was 46/start)."""
    storage = _collected(tmp_path, "bootstrap.min.css", "font-awesome-4.0.0.css")
    with caplog.at_level("DEBUG", logger="musica_kit.storage"):
        # What whitenoise's immutable_file_test asks: the name without its "hash", which exists nowhere.
        assert storage.url("bootstrap.css") == "/static/bootstrap.css"
        assert storage.url("font-awesome-4.0.css") == "/static/font-awesome-4.0.css"
    assert caplog.records, "the miss is still logged (at DEBUG)"
    assert not [r for r in caplog.records if r.levelno >= 30], caplog.text


def test_a_missing_manifest_is_one_warning_per_process(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(StaticFilesStorage, "_warned_not_collected", False)
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    with caplog.at_level("WARNING", logger="musica_kit.storage"):
        storage.url("admin/css/base.css")
        storage.url("admin/css/login.css")
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert [r.getMessage() for r in warnings] == ["static files not collected: run `manage.py collectstatic`"]
