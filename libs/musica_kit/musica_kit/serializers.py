"""A read-only DRF serializer from a dataclass whose fields carry their API description (``described``)."""

import copy
from dataclasses import Field, field, fields
from typing import get_args

from rest_framework import serializers

_FIELD_CLASSES = {str: serializers.CharField, int: serializers.IntegerField}


class CopiedFieldsMixin:
    """Each serializer gets shallow copies of its declared fields: DRF's deepcopy runs every field's
    __init__ again per serializer, -8.7 % of a note's instructions (docs/benchmarks.md, "Deviations kept")."""

    def get_fields(self):
        return {name: copy.copy(declared) for name, declared in self._declared_fields.items()}


def described(help_text: str):
    return field(metadata={"help_text": help_text})


def _serializer_field(spec: Field) -> serializers.Field:
    members = get_args(spec.type) or (spec.type,)
    kind = next(t for t in members if t is not type(None))
    return _FIELD_CLASSES[kind](allow_null=type(None) in members, help_text=spec.metadata.get("help_text"))


def dataclass_serializer(dataclass, *, name: str, exclude: tuple[str, ...] = ()) -> type:
    declared = {spec.name: _serializer_field(spec) for spec in fields(dataclass) if spec.name not in exclude}
    return type(name, (CopiedFieldsMixin, serializers.Serializer), declared)
