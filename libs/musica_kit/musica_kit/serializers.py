"""A read-only DRF serializer derived from a dataclass, so a shape is written once (its dataclass).

Each dataclass field carries its API description as ``described(...)``; ``str``/``int`` map to
CharField/IntegerField, and ``X | None`` allows null.
"""

from dataclasses import Field, field, fields
from typing import get_args

from rest_framework import serializers

_FIELD_CLASSES = {str: serializers.CharField, int: serializers.IntegerField}


def described(help_text: str):
    """A dataclass field with its description for the API."""
    return field(metadata={"help_text": help_text})


def _serializer_field(spec: Field) -> serializers.Field:
    members = get_args(spec.type) or (spec.type,)
    kind = next(t for t in members if t is not type(None))
    return _FIELD_CLASSES[kind](allow_null=type(None) in members, help_text=spec.metadata.get("help_text"))


def dataclass_serializer(
    dataclass, *, name: str, exclude: tuple[str, ...] = ()
) -> type[serializers.Serializer]:
    """A read-only description of ``dataclass`` (its fields, in order, but ``exclude``)."""
    declared = {spec.name: _serializer_field(spec) for spec in fields(dataclass) if spec.name not in exclude}
    return type(name, (serializers.Serializer,), declared)
