"""Input schemas that declare what the models enforce, read from the models themselves; output
schemas read from model instances.

`model_field(Person, "address", "")` is a ninja/pydantic `Field` whose `max_length` is the model
field's, so the OpenAPI document says what the database will take and a longer value is a 422
from the schema (not a DataError from the database, nor a silent cut).  Choice fields take the
model's `TextChoices` as their type (`sex: Sex`), which the document shows as an enum.

A PATCH field typed `str` with `model_field(..., None)` may be left out (then it is not
changed) but not sent as `null`: pydantic does not validate a default, only what was sent.

A rule a service checks for the screens and the API alike (kana, a postal code, text that may
not be blank: `NonBlank`) is declared with `json_schema_extra={"pattern": ...}`: the document
says it, and the service keeps answering it with its own Japanese message and the field's name.
Such a pattern may be narrower than the service, never wider (test_api_schema_constraints).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

from django.db import models
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

T = TypeVar("T")


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


# --- Output: schemas read from model instances ---------------------------------------------
#
# A route returns a model instance (or a queryset, or a `Listing` of one) and ninja validates
# the response schema from its attributes: a field reads the attribute of its name, a dotted
# alias (`Field(alias="organization.name")`) a path, and a `resolve_<field>` static method
# anything else.  A resolver that needs the acting organization takes `context`, whose
# "request" is the request being answered.

Context = dict[str, Any]


def _name_of(value: object) -> str:
    return "" if value is None else str(value)


Name = Annotated[str, BeforeValidator(_name_of)]
"""An output field that reads a related record and gives its name: `str()` of it (a user's
full name, or else the user name; an organization's name), "" when there is none."""


def once(context: Context, key: str, obj: object, compute: Callable[[], T]) -> T:
    """`compute()` once per object and response: several fields of a schema read one answer
    about `obj` (what the acting organization may see of it), each through its own resolver,
    and the answer costs queries."""
    memo: dict[tuple[str, int], Any] = context.setdefault("once", {})
    if (key, id(obj)) not in memo:
        memo[key, id(obj)] = compute()
    return cast(T, memo[key, id(obj)])


class Out(Schema):
    """The base of every output schema.  Each field is in every answer, also one with a default
    (`None` where a related record is missing), so the document marks every field required."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)
