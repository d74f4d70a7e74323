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
