"""A DRF serializer derived from a dataclass, so a shape is written once (its dataclass).

Each dataclass field carries its API description as ``field(metadata={"help_text": ...})``;
``str``/``int`` map to CharField/IntegerField, and ``X | None`` allows null.
"""

import copy
from dataclasses import Field, field, fields
from typing import get_args

from rest_framework import serializers

_FIELD_CLASSES = {str: serializers.CharField, int: serializers.IntegerField}


def _fresh(field: serializers.Field) -> serializers.Field:
    """A new, unbound field equal to ``field`` (what DRF's deepcopy of a field gives) for a serializer
    of its own. A field given another field (a list's ``child``) or a nested serializer is deep-copied,
    as DRF does, so no two serializers share one. Any other field is copied attribute by attribute: its
    settings (texts, numbers, choices, styles, its validators) are only read once built, and binding
    sets the copy's own name and parent. Calling the field's __init__ again, as DRF's deepcopy does,
    was about 6 % of a note's CPU (py-spy on scripts/lib/profile_note.py, docs/benchmarks.md)."""
    arguments = (*field._args, *field._kwargs.values())
    if isinstance(field, serializers.BaseSerializer) or any(
        isinstance(value, serializers.Field) for value in arguments
    ):
        return copy.deepcopy(field)
    fresh = object.__new__(type(field))
    fresh.__dict__.update(field.__dict__)
    return fresh


class FieldsBuiltOnceMixin:
    """DRF builds a serializer's fields again for every instance (a ModelSerializer derives them
    from the model; any serializer deep-copies its declared ones): a third of a note's CPU in
    scripts/lib/profile_note.py. They depend only on the class (its Meta and declared fields), so
    they are built once per class; each instance gets fresh fields made from the same arguments
    (as DRF copies declared fields), bound to it alone."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()  # two threads racing both build the same, harmless
            cls._fields_built_once = built
        return {name: _fresh(field) for name, field in built.items()}


def described(help_text: str):
    """A dataclass field with its description for the API."""
    return field(metadata={"help_text": help_text})


def _serializer_field(spec: Field) -> serializers.Field:
    return _FIELD_CLASSES[_base_type(spec)](
        allow_null=type(None) in get_args(spec.type), help_text=spec.metadata.get("help_text")
    )


def _base_type(spec: Field) -> type:
    members = get_args(spec.type) or (spec.type,)
    return next(t for t in members if t is not type(None))


def dataclass_representation(dataclass, *, exclude: tuple[str, ...] = ()):
    """A function giving what ``dataclass_serializer(dataclass, exclude=...)``'s ``.data`` gives for an
    instance (the same keys in the same order; None stays None, the rest ``str()``/``int()`` as
    CharField/IntegerField do) without building a serializer and its fields: on a hot path (every
    search of music_service) that building was about a seventh of the request's CPU. The serializer
    stays the API's description; tests hold the two equal."""
    converters = tuple(
        (spec.name, _base_type(spec)) for spec in fields(dataclass) if spec.name not in exclude
    )

    def represent(instance) -> dict:
        values = {}
        for name, kind in converters:
            value = getattr(instance, name)
            values[name] = None if value is None else kind(value)
        return values

    return represent


def dataclass_serializer(
    dataclass, *, name: str, exclude: tuple[str, ...] = ()
) -> type[serializers.Serializer]:
    """A read-only description of ``dataclass`` (its fields, in order, but ``exclude``)."""
    declared = {spec.name: _serializer_field(spec) for spec in fields(dataclass) if spec.name not in exclude}
    return type(name, (FieldsBuiltOnceMixin, serializers.Serializer), declared)
