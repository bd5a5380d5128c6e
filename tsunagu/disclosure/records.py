"""One record as the person reads it (labels and shown values) and as a machine reads it (JSON).

Every model is written the same way, from its fields, so that a field added to a model later is
in the next disclosure without anyone remembering to add it here.  Left out: fields that only
the system keeps (not editable: normalised search keys, optimistic-lock counters) and stored
file names; a relation is shown by its label and given by its id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tsunagu.cases.models import DifficultyFactor, Domain
from tsunagu.core.dates import wareki
from tsunagu.people.models import ConsentPurpose, DisabilityCategory, HouseholdConcern
from tsunagu.referrals.models import SummaryField

# Kept although not editable: when a record was made and changed is part of the record.
KEPT_SYSTEM_FIELDS = frozenset({"id", "created_at", "updated_at", "uploaded_at"})
# Japanese labels for the fields whose model gives none (verbose_name is then the field name).
FALLBACK_LABELS = {
    "assessment": _lazy("アセスメント"),
    "author": _lazy("作成者"),
    "author_organization": _lazy("作成者の所属"),
    "case": _lazy("支援ケース"),
    "conducted_by": _lazy("実施者"),
    "conducted_by_organization": _lazy("実施者の所属"),
    "content_type": _lazy("ファイルの種類"),
    "created_by": _lazy("記録者"),
    "household": _lazy("世帯"),
    "monitoring": _lazy("モニタリング"),
    "note": _lazy("支援経過記録"),
    "obtained_by": _lazy("同意を得た職員"),
    "obtained_by_organization": _lazy("同意を得た機関"),
    "order": _lazy("並び順"),
    "person": _lazy("本人"),
    "plan": _lazy("支援計画"),
    "plan_item": _lazy("支援計画の項目"),
    "sha256": _lazy("ハッシュ値（SHA-256）"),
    "size": _lazy("大きさ（バイト）"),
    "summary_reviewed_by": _lazy("要約を確認した職員"),
    "uploaded_at": _lazy("登録日時"),
    "uploaded_by": _lazy("登録した職員"),
}
# Lists of choice values kept in a JSON field, shown by their labels.
LIST_CHOICES: dict[tuple[str, str], type[models.TextChoices]] = {
    ("people.person", "disability_categories"): DisabilityCategory,
    ("people.household", "concerns"): HouseholdConcern,
    ("people.consent", "purposes"): ConsentPurpose,
    ("cases.case", "difficulty_factors"): DifficultyFactor,
    ("cases.consultation", "domains"): Domain,
    ("referrals.referral", "summary_fields"): SummaryField,
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    shown: str  # as printed


@dataclass
class Record:
    model: str  # app_label.model_name
    pk: int
    title: str
    fields: list[Field]
    data: dict[str, Any]  # JSON-ready
    children: list[Record] = field(default_factory=list)


def _json_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)


def _shown(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{wareki(local.date())} {local:%H:%M}"
    if isinstance(value, dt.date):
        return wareki(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_shown(item)}" for key, item in value.items())
    return str(value)


def _choice_label(model_field: models.Field[Any, Any], value: object) -> str:
    choices = dict(model_field.flatchoices) if model_field.choices else {}
    return str(choices.get(value, value))


def record_of(
    obj: models.Model, *, title: str = "", exclude: frozenset[str] = frozenset()
) -> Record:
    """`obj` as a Record: every concrete field but those left out (module docstring)."""
    meta = obj._meta
    fields: list[Field] = []
    data: dict[str, Any] = {}
    for model_field in meta.concrete_fields:
        name = model_field.name
        if name in exclude or isinstance(model_field, models.FileField):
            continue
        if not model_field.editable and name not in KEPT_SYSTEM_FIELDS:
            continue
        label = str(model_field.verbose_name)
        if label == name.replace("_", " ") and name in FALLBACK_LABELS:
            label = str(FALLBACK_LABELS[name])
        if model_field.is_relation:
            related_id = getattr(obj, model_field.attname)
            related = getattr(obj, name) if related_id is not None else None
            data[name] = related_id
            data[f"{name}_label"] = str(related) if related is not None else None
            fields.append(Field(name, label, _shown(related)))
            continue
        value = getattr(obj, name)
        data[name] = _json_value(value)
        list_choices = LIST_CHOICES.get((meta.label_lower, name))
        if list_choices is not None and isinstance(value, list):
            labels = dict(list_choices.choices)
            shown_labels = [str(labels.get(v, v)) for v in value]
            data[f"{name}_label"] = shown_labels
            fields.append(Field(name, label, _shown(shown_labels)))
            continue
        if model_field.choices and not isinstance(value, list):
            shown = _choice_label(model_field, value) if value not in (None, "") else "—"
            data[f"{name}_label"] = shown if value not in (None, "") else None
            fields.append(Field(name, label, shown))
            continue
        fields.append(Field(name, label, _shown(value)))
    return Record(
        model=meta.label_lower,
        pk=int(obj.pk),
        title=title or str(obj),
        fields=fields,
        data=data,
    )


def flat_row(record: Record) -> dict[str, Any]:
    """The record's data for a CSV row: lists and dicts as JSON-ish text."""
    row: dict[str, Any] = {}
    for key, value in record.data.items():
        row[key] = "、".join(str(v) for v in value) if isinstance(value, list) else value
    return row
