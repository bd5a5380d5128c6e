"""Input schemas that declare what the models enforce, read from the models themselves.

`model_field(Person, "address", "")` is a ninja/pydantic `Field` whose `max_length` is the model
field's, so the OpenAPI document says what the database will take and a longer value is a 422
from the schema (not a DataError from the database, nor a silent cut).  Choice fields take the
model's `TextChoices` as their type (`sex: Sex`), which the document shows as an enum.

A PATCH field typed `str` with `model_field(..., None)` may be left out (then it is not
changed) but not sent as `null`: pydantic does not validate a default, only what was sent.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from ninja import Field


def model_max_length(model: type[models.Model], name: str) -> int | None:
    field = model._meta.get_field(name)
    max_length = getattr(field, "max_length", None)
    return int(max_length) if max_length is not None else None


def model_field(model: type[models.Model], name: str, default: Any = ..., **kwargs: Any) -> Any:
    """A schema `Field` bounded like `model`'s field `name` (its `max_length`, if it has one);
    any keyword (a description, a `min_length`) goes to `Field` as is."""
    max_length = model_max_length(model, name)
    if max_length is not None:
        kwargs.setdefault("max_length", max_length)
    return Field(default, **kwargs)


def patch_field(**kwargs: Any) -> Any:
    """A PATCH field that may be left out (it is then not changed) but not sent as `null`."""
    return Field(None, **kwargs)
