"""The note's serializer: fields built once per class (musica_kit.serializers.FieldsBuiltOnceMixin)
with no field object shared between two serializers, and ``musica`` shown as MusicaSerializer would."""

from rest_framework import serializers
from rest_framework.utils.formatting import lazy_format

from notes.models import Enrichment, Note
from notes.serializers import MusicaSerializer, NoteSerializer

ENRICHED = {
    "spotify_id": "4uLU6hMCjMI75M1A2tKUQC",
    "titulo": "Never Gonna Give You Up",
    "artista": "Rick Astley",
    "album": "Whenever You Need Somebody",
    "foto": "https://i.scdn.co/image/ab67616d0000b273baf89eb11ec7c657805d2da0",
    "spotify_url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    "preview_url": None,
    "url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    "fuente": "spotify",
}


def test_two_serializers_never_share_a_field():
    first, second = NoteSerializer(), NoteSerializer()
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    first_musica, second_musica = MusicaSerializer(), MusicaSerializer()  # a dataclass serializer
    for name in first_musica.fields:
        assert first_musica.fields[name] is not second_musica.fields[name]
        assert first_musica.fields[name].parent is first_musica


def test_the_model_is_read_once_per_class(monkeypatch):
    calls = []
    original = serializers.ModelSerializer.get_fields

    def counting(self):
        calls.append(type(self))
        return original(self)

    monkeypatch.setattr(serializers.ModelSerializer, "get_fields", counting)
    monkeypatch.delattr(NoteSerializer, "_fields_built_once", raising=False)
    for _ in range(3):
        assert "musica" in NoteSerializer().fields
    assert calls == [NoteSerializer]


def test_musica_is_what_its_serializer_would_show():
    """The note shows ``musica`` from its columns (a method field, documented as MusicaSerializer):
    the same keys, order and values as DRF's own per-instance build of that serializer."""
    note = Note(id=7, cancion="Never Gonna Give You Up", texto="", enriquecimiento=Enrichment.OK, **ENRICHED)
    plain_musica = type("PlainMusica", (serializers.Serializer,), dict(MusicaSerializer._declared_fields))
    expected_musica = plain_musica(note.musica).data
    shown = NoteSerializer().to_representation(note)
    assert shown["musica"] == expected_musica == MusicaSerializer(note.musica).data
    assert list(shown["musica"]) == list(expected_musica)
    assert shown["musica"]["titulo"] == "Never Gonna Give You Up" and shown["foto"] == ENRICHED["foto"]
    assert "preview_url" in shown["musica"] and shown["musica"]["preview_url"] is None


def test_musica_is_null_until_the_song_is_found():
    for state in (Enrichment.PENDING, Enrichment.NO_RESULTS):
        note = Note(id=8, cancion="x", texto="", enriquecimiento=state)
        assert NoteSerializer().to_representation(note)["musica"] is None


def _same(ours, drfs) -> bool:
    """Equal as DRF compares what a field holds: plain values by ==, validators and other helper
    objects by type and attributes (DRF's deepcopy makes new ones; ours may share them)."""
    if isinstance(ours, lazy_format):  # a message formatted when shown
        return type(drfs) is lazy_format and str(ours) == str(drfs)
    if isinstance(ours, list | tuple):
        return type(ours) is type(drfs) and len(ours) == len(drfs) and all(map(_same, ours, drfs))
    if isinstance(ours, dict):
        return ours.keys() == drfs.keys() and all(_same(ours[k], drfs[k]) for k in ours)
    if hasattr(ours, "__dict__") and not isinstance(ours, type):
        return type(ours) is type(drfs) and _same(vars(ours), vars(drfs))
    return ours == drfs


def test_a_fresh_field_is_what_drfs_deepcopy_makes_and_leaves_the_template_unbound():
    import copy

    from musica_kit.serializers import _fresh

    NoteSerializer().fields  # noqa: B018 (builds the templates once)
    templates = {**NoteSerializer._fields_built_once}
    MusicaSerializer().fields  # noqa: B018
    templates.update({f"musica.{k}": v for k, v in MusicaSerializer._fields_built_once.items()})
    for name, template in templates.items():
        fresh, drfs = _fresh(template), copy.deepcopy(template)
        assert fresh is not template and type(fresh) is type(drfs), name
        assert vars(fresh).keys() == vars(drfs).keys(), name
        for attribute in vars(fresh):
            if attribute == "_creation_counter":
                continue  # the order of a class's declared fields, counted when a field is made
            assert _same(getattr(fresh, attribute), getattr(drfs, attribute)), (name, attribute)
    # A field holding another field, and a nested serializer, are deep-copied as DRF does.
    listed = serializers.ListField(child=serializers.CharField(max_length=5))
    assert _fresh(listed).child is not listed.child and _fresh(listed).child.max_length == 5
    nested = MusicaSerializer(allow_null=True)
    nested.fields  # noqa: B018
    assert _fresh(nested).fields["titulo"] is not nested.fields["titulo"]

    NoteSerializer(data={"cancion": "x"}).is_valid()  # binds a serializer's fresh fields
    for template in NoteSerializer._fields_built_once.values():
        assert template.field_name is None and template.parent is None
