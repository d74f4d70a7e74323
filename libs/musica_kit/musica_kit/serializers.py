"""A read-only DRF serializer from a dataclass whose fields carry their API description (``described``)."""

from dataclasses import Field, field, fields
from typing import get_args

from rest_framework import serializers

_FIELD_CLASSES = {str: serializers.CharField, int: serializers.IntegerField}


def described(help_text: str):
    return field(metadata={"help_text": help_text})


def _serializer_field(spec: Field) -> serializers.Field:
    members = get_args(spec.type) or (spec.type,)
    kind = next(t for t in members if t is not type(None))
    return _FIELD_CLASSES[kind](allow_null=type(None) in members, help_text=spec.metadata.get("help_text"))


def dataclass_serializer(dataclass, *, name: str, exclude: tuple[str, ...] = ()) -> type:
    declared = {spec.name: _serializer_field(spec) for spec in fields(dataclass) if spec.name not in exclude}
    return type(name, (serializers.Serializer,), declared)
