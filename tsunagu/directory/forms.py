from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms import formset_factory
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext_lazy as _

from tsunagu.directory import selectors
from tsunagu.directory.models import (
    Contact,
    Location,
    Phone,
    Provider,
    Schedule,
    SocialResource,
    Taxonomy,
    TaxonomyTerm,
    Weekday,
)
from tsunagu.directory.services import (
    CONTACT_FIELDS,
    LOCATION_FIELDS,
    PHONE_FIELDS,
    PROVIDER_FIELDS,
    SCHEDULE_FIELDS,
)
from tsunagu.organizations.models import Area


class TermChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: TaxonomyTerm) -> str:
        return obj.name


class AreaChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # stubs
    def label_from_instance(self, obj: Area) -> str:
        return (
            f"{obj.parent.name} {obj.name}" if obj.kind == "catchment" and obj.parent else obj.name
        )


class SearchForm(forms.Form):
    """The resident's search (GET).  Every field is optional; an empty form lists all."""

    q = forms.CharField(
        label=_("キーワード"),
        required=False,
        max_length=100,
        help_text=_("名称・地名・サービスの種類など。ひらがなでも探せます。"),
    )
    service_type = TermChoiceField(
        label=_("サービスの種類"),
        queryset=selectors.terms(Taxonomy.SERVICE_TYPE),
        required=False,
        empty_label=_("すべて"),
    )
    specialty = TermChoiceField(
        label=_("専門・対応"),
        queryset=selectors.terms(Taxonomy.SPECIALTY),
        required=False,
        empty_label=_("すべて"),
    )
    area = AreaChoiceField(
        label=_("地域"),
        queryset=selectors.public_areas(),
        required=False,
        empty_label=_("市内すべて"),
    )
    accepts_visits = forms.BooleanField(label=_("見学・体験ができる"), required=False)
    has_vacancy = forms.BooleanField(label=_("空きがある"), required=False)

    def filters(self, **extra: Any) -> selectors.ResourceFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.ResourceFilters(
            q=data.get("q") or "",
            service_type=data.get("service_type"),
            specialty=data.get("specialty"),
            area=data.get("area"),
            accepts_visits=bool(data.get("accepts_visits")),
            has_vacancy=bool(data.get("has_vacancy")),
            **extra,
        )


def _https_by_default(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A web address typed without a scheme ("example.jp") is taken as https://, as Django 6
    will do; stated here rather than left to the deprecated default (http://)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ProviderForm(forms.ModelForm):  # type: ignore[type-arg]  # stubs
    class Meta:
        model = Provider
        formfield_callback = _https_by_default
        fields = PROVIDER_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ResourceForm(forms.ModelForm):  # type: ignore[type-arg]  # stubs
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SocialResource
        formfield_callback = _https_by_default
        fields = (
            "provider",
            "name",
            "name_kana",
            "service_type",
            "specialties",
            "status",
            "is_published",
            "description",
            "eligibility_description",
            "application_process",
            "fees_description",
            "url",
            "email",
            "minimum_age",
            "maximum_age",
            "capacity",
            "vacancies",
            "vacancies_confirmed_on",
            "accepts_visits",
            "accepts_trial",
            "visit_note",
            "internal_note",
        )
        widgets = {
            "specialties": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility_description": forms.Textarea(attrs={"rows": 2}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, providers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["service_type"].label_from_instance = lambda t: t.name  # type: ignore[attr-defined]
        self.fields["specialties"].label_from_instance = lambda t: t.name  # type: ignore[attr-defined]


# --- Child rows -------------------------------------------------------------------------------


class _ChildForm(forms.ModelForm):  # type: ignore[type-arg]  # stubs
    hsds_id = forms.CharField(widget=forms.HiddenInput, required=False)


class LocationForm(_ChildForm):
    class Meta:
        model = Location
        fields = LOCATION_FIELDS
        widgets = {"accessibility": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.select_related("parent")  # type: ignore[attr-defined]


class ScheduleForm(_ChildForm):
    weekdays = forms.MultipleChoiceField(
        label=_("曜日"),
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Schedule
        fields = SCHEDULE_FIELDS
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_weekdays(self) -> str:
        chosen = set(self.cleaned_data.get("weekdays") or [])
        return ",".join(day for day in Weekday.values if day in chosen)


class PhoneForm(_ChildForm):
    class Meta:
        model = Phone
        fields = PHONE_FIELDS


class ContactForm(_ChildForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS


def _formset(form: type[_ChildForm]) -> type[BaseFormSet[Any]]:
    return formset_factory(form, extra=1, can_delete=True, max_num=20, validate_max=True)


LocationFormSet = _formset(LocationForm)
ScheduleFormSet = _formset(ScheduleForm)
PhoneFormSet = _formset(PhoneForm)
ContactFormSet = _formset(ContactForm)
FORMSETS = {
    "locations": (LocationFormSet, LOCATION_FIELDS),
    "schedules": (ScheduleFormSet, SCHEDULE_FIELDS),
    "phones": (PhoneFormSet, PHONE_FIELDS),
    "contacts": (ContactFormSet, CONTACT_FIELDS),
}


def child_initial(resource: SocialResource | None, kind: str) -> list[dict[str, Any]]:
    if resource is None:
        return []
    fields = FORMSETS[kind][1]
    rows = []
    for child in getattr(resource, kind).all():
        row: dict[str, Any] = {name: getattr(child, name) for name in fields}
        if kind == "locations":
            row["area"] = child.area_id
        if kind == "schedules":
            row["weekdays"] = child.weekday_list
        row["hsds_id"] = str(child.hsds_id)
        rows.append(row)
    return rows


def child_rows(formset: BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The rows to keep: filled-in forms not marked for deletion (blank extra forms skipped)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS 3.0 のJSONファイル"),
        help_text=_("つなぐから書き出したファイル、または他のシステムのHSDS 3.0 JSON。"),
    )
