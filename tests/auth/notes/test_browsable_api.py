"""The browsable API's notes page: covers shown as images by the kit's script, `texto` as a textarea."""

import re

import pytest
from django.test import Client

from notes.models import Note

pytestmark = pytest.mark.django_db


def test_the_covers_files_load_from_this_origin_and_texto_is_a_textarea(make_user):
    ana, client = make_user("ana"), Client()
    Note.objects.create(user=ana, cancion="Malamente", foto="data:image/svg+xml;base64,QUJD")
    client.force_login(ana)
    page = client.get("/notas", HTTP_ACCEPT="text/html").content.decode()
    assert re.search(r'<script src="/static/musica_kit/portadas[^"]*\.js"></script>', page)
    assert re.search(
        r'<link rel="stylesheet" type="text/css" href="/static/musica_kit/portadas[^"]*\.css"/>', page
    )
    for name, marker in (("portadas.js", b"showDataCovers"), ("portadas.css", b".foto-datos")):
        response = client.get(f"/static/musica_kit/{name}")
        assert response.status_code == 200 and marker in b"".join(response.streaming_content), name
    form = page[page.index('id="post-object-form"') :]
    assert re.search(r'<textarea name="texto" class="form-control"\s+rows="6">', form)
    assert 'name="foto"' not in form
