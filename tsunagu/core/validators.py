"""Bounds on input that the database, Python or the era calendar cannot take.

One rule per kind of value, used by model fields, forms, ninja schemas and URL parsing alike:

- Dates lie between the first day of Meiji (the first day an era date can be written) and
  2100-12-31.  A fixed upper bound, not "today + N years": a value accepted today stays valid
  tomorrow, tests do not drift with the clock, and no plan, consent or certificate in this
  system reaches further than a few decades.  Year 0295 or 20250 is a typo, and one such row
  used to break every page and export that shows it.
- Fiscal years (年度) and calendar years in URLs and queries: within the same span.
- Ids: within the database's signed 64-bit integer (bigint) range; beyond it, nothing exists.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field

from tsunagu.core import dates
from tsunagu.core.dates import ERAS
from tsunagu.core.widgets import DateEntryInput

MIN_DATE = ERAS[-1].start  # 1868-01-25, 明治元年
MAX_DATE = dt.date(2100, 12, 31)
MIN_YEAR = MIN_DATE.year
MAX_YEAR = MAX_DATE.year - 1  # a fiscal year's end (March of the next year) stays in range
MAX_ID = 2**63 - 1


def date_in_range(value: dt.date) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def date_range_message() -> str:
    return str(
        _("%(min)s から %(max)s までの日付を入力してください。")
        % {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()}
    )


def validate_date_in_range(value: dt.date | None) -> None:
    """The model and form validator for every date field."""
    if value is not None and not date_in_range(value):
        raise ValidationError(date_range_message(), code="date_out_of_range")


class _BoundedDateField(models.DateField):  # type: ignore[type-arg]  # generic in the stubs only
    """A DateField that refuses dates outside MIN_DATE..MAX_DATE (full_clean, ModelForms).

    It deconstructs as Django's own DateField: the bound is code, not schema, so adding it
    needs no migration; every model's DateField must be this one (test_input_bounds walks them).
    """

    default_validators = [validate_date_in_range]

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        """ModelForms get the one date entry (era or Western dates, calendar button)."""
        return super().formfield(
            form_class=form_class or BoundedFormDateField,
            choices_form_class=choices_form_class,
            **kwargs,
        )

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs


if TYPE_CHECKING:
    # For the type checker it is a DateField (django-stubs types a model's attribute from it).
    BoundedDateField = models.DateField
else:
    BoundedDateField = _BoundedDateField


class BoundedFormDateField(forms.DateField):
    """The date field of every form: reads era and Western dates (`dates.parse_date`), refuses
    an impossible one with the reason (H31.5.1, R0, 2025-02-30, 99999) and keeps the bound of
    the model fields.  ModelForms get it from BoundedDateField.formfield."""

    widget = DateEntryInput
    default_validators = [validate_date_in_range]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateEntryInput(bounds=(MIN_DATE, MAX_DATE)))
        if not kwargs.get("help_text"):
            kwargs["help_text"] = _("例: 令和7年4月1日、R7.4.1、2025-04-01")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dates.parse_date(str(value))
        except dates.DateParseError as exc:
            raise ValidationError(exc.message, code="invalid") from None


def _pydantic_date(value: dt.date) -> dt.date:
    if not date_in_range(value):
        raise ValueError(date_range_message())
    return value


# MIN_DATE..MAX_DATE as a pattern on the ISO date (with `format: date`, which rules out the
# 31st of February): 1868-01-25 to 2100-12-31.  test_validators holds it to date_in_range.
_MONTH_DAY = "(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = (
    "^(?:1868-(?:01-(?:2[5-9]|3[01])|(?:0[2-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))"
    f"|(?:1869|18[7-9][0-9]|19[0-9]{{2}}|20[0-9]{{2}}|2100)-{_MONTH_DAY})$"
)


class _DeclaredDateRange:
    """Says the range in the OpenAPI document, so a client knows it before a 422: as
    `formatMinimum`/`formatMaximum` (the JSON Schema vocabulary for bounds on a formatted
    string) and as a `pattern`, which every JSON Schema tool, client generators and fuzzers
    among them, understands."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        schema.update(
            formatMinimum=MIN_DATE.isoformat(),
            formatMaximum=MAX_DATE.isoformat(),
            pattern=DATE_PATTERN,
        )
        return schema


# For ninja schemas: `birth_date: SaneDate`.
SaneDate = Annotated[dt.date, AfterValidator(_pydantic_date), _DeclaredDateRange()]

# A moment in the same range, with its offset (RFC 3339), as the document states it.
DATETIME_PATTERN = (
    DATE_PATTERN.removesuffix("$")
    + "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:[.][0-9]{1,6})?"
    + "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)


def _pydantic_datetime(value: dt.datetime) -> dt.datetime:
    """In the date range, and kept in UTC: an offset such as +19:06 is a valid RFC 3339
    moment that PostgreSQL cannot store as given (it takes offsets up to 15:59)."""
    if not date_in_range(value.date()):
        raise ValueError(date_range_message())
    return value.astimezone(dt.UTC) if value.tzinfo is not None else value


class _DeclaredDateTimeRange:
    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        schema.update(pattern=DATETIME_PATTERN)
        return schema


# For ninja schemas: `held_at: SaneDateTime`.
SaneDateTime = Annotated[dt.datetime, AfterValidator(_pydantic_datetime), _DeclaredDateTimeRange()]
# A fiscal year (年度) or a calendar year from a query string.
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
# An id from a query string or body; larger values are not ids (the database cannot hold them).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A version or revision a client read (a PositiveIntegerField): larger values cannot be stored.
MAX_INT = 2_147_483_647
Version = Annotated[int, Field(ge=1, le=MAX_INT)]

# White space as Python's str.strip() and str.split() see it, written out: `\s` means less in
# the regex engines of pydantic (Rust) and of JSON Schema (ECMA-262), so that the document and
# a service's `if not text.strip()` would disagree on, say, "\x1c".
WHITE_SPACE = r"\t-\r\u001c- \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[\s\S]*[^{WHITE_SPACE}]"
# Text a service refuses when it is empty or only white space.  The document says so; the
# service (the screens' too) keeps refusing it, with its own message and the field's name.
NonBlank = Annotated[str, Field(json_schema_extra={"pattern": NOT_BLANK})]


def has_bad_characters(value: str) -> bool:
    """NUL (PostgreSQL cannot store it and it truncates strings in C libraries) or a lone UTF-16
    surrogate (not encodable as UTF-8: the database driver and the JSON encoder fail on it)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
