"""Model validation as the application's Invalid (one sentence) or FieldErrors (a message under
each field), in one place for every service."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from tsunagu.core.errors import FieldErrors, Invalid


def field_label(model: type[models.Model], name: str) -> str:
    """The field's Japanese label, or "" for names that are not fields (NON_FIELD_ERRORS)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    return str(field.verbose_name) if isinstance(field, models.Field) else ""


def invalid_from(exc: ValidationError, model: type[models.Model]) -> Invalid:
    """A model validation error as one Japanese sentence per field, labelled as on screen."""
    parts = []
    for field, messages in exc.message_dict.items():
        label = field_label(model, field)
        for message in messages:
            parts.append(f"{label}: {message}" if label else message)
    return Invalid(" ".join(parts))


def full_clean(
    obj: models.Model,
    *,
    exclude: Iterable[str] = (),
    labelled: bool = True,
    constraints: bool = False,
) -> None:
    """`obj.full_clean()` raising Invalid (the API answers 422, screens 400): each message
    after its field's label, or (`labelled=False`) the messages alone.  The database checks
    the constraints at save unless `constraints`."""
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=constraints)
    except ValidationError as exc:
        if labelled:
            raise invalid_from(exc, type(obj)) from None
        raise Invalid(" ".join(str(m) for m in exc.messages)) from None


def full_clean_fields(
    obj: models.Model,
    *,
    exclude: Iterable[str] = (),
    unique: bool = True,
    every_message: bool = False,
) -> None:
    """`obj.full_clean()` raising FieldErrors: each field's first message (or, with
    `every_message`, all of them) under that field, so that a screen shows it there and the
    API answers 422 naming it.  `unique=False` leaves uniqueness to the database."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=unique)
    except ValidationError as exc:
        errors = {
            name: " ".join(str(m) for m in messages) if every_message else str(messages[0])
            for name, messages in exc.message_dict.items()
            if messages
        }
        raise FieldErrors(errors or {"": _("入力を確かめてください。")}) from None
