"""The browsable API's notes pages: covers shown as images by the kit's script, `texto` as a textarea."""

import re

import pytest
from django.test import Client

from notes.models import Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(make_user):
    ana = make_user("ana")
    Note.objects.create(user=ana, cancion="Malamente", foto="data:image/svg+xml;base64,QUJD")
    client = Client()
    client.force_login(ana)
    response = client.get("/notas", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    return response.content.decode()


def test_the_covers_script_and_css_load_from_this_origin(page):
    assert re.search(r'<script src="/static/musica_kit/portadas[^"]*\.js"></script>', page)
    css = r'<link rel="stylesheet" type="text/css" href="/static/musica_kit/portadas[^"]*\.css"/>'
    assert re.search(css, page)


def test_texto_is_a_textarea_and_foto_is_no_input(page):
    form = page[page.index('id="post-object-form"') :]
    assert re.search(r'<textarea name="texto" class="form-control"\s+rows="6">', form)
    assert 'name="foto"' not in form


def test_the_kit_serves_the_covers_files():
    for name, marker in (("portadas.js", b"showDataCovers"), ("portadas.css", b".foto-datos")):
        response = Client().get(f"/static/musica_kit/{name}")
        assert response.status_code == 200, name
        assert marker in b"".join(response.streaming_content)
