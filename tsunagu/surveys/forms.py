from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.core.validators import MAX_YEAR, MIN_YEAR, BoundedFormDateField
from tsunagu.organizations.models import Organization
from tsunagu.surveys import kinds, prefill
from tsunagu.surveys.models import (
    DEFAULT_CASE_ROWS,
    MAX_CASE_ROWS,
    PURPOSE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    TEXT_ANSWER_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Answer,
    Question,
    QuestionKind,
    Survey,
    SurveyStatus,
)
from tsunagu.surveys.selectors import RECIPIENT_KINDS


class FiscalYearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("help_text", _("西暦で入力します（例: 2026 は令和8年度）。"))
        super().__init__(**kwargs)


class SurveyFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    status = django_filters.ChoiceFilter(label=_("状態"), choices=SurveyStatus.choices)
    fiscal_year = django_filters.NumberFilter(
        label=_("年度"), min_value=MIN_YEAR, max_value=MAX_YEAR
    )

    class Meta:
        model = Survey
        fields = ["status", "fiscal_year"]


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("調査名"), max_length=TITLE_MAX_LENGTH)
    purpose = forms.CharField(
        label=_("目的"),
        max_length=PURPOSE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    fiscal_year = FiscalYearField(label=_("年度"))
    deadline = BoundedFormDateField(label=_("回答期限"))

    def __init__(self, *args: Any, survey: Survey | None = None, **kwargs: Any) -> None:
        if survey is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "title": survey.title,
                "purpose": survey.purpose,
                "fiscal_year": survey.fiscal_year,
                "deadline": survey.deadline,
            }
        super().__init__(*args, **kwargs)
        if survey is not None and survey.status != SurveyStatus.DRAFT:
            del self.fields["title"]
            del self.fields["fiscal_year"]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("設問の種類"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("設問"), max_length=QUESTION_MAX_LENGTH)
    help_text = forms.CharField(label=_("補足"), max_length=QUESTION_MAX_LENGTH, required=False)
    required = forms.BooleanField(label=_("回答必須"), required=False)
    choices = forms.CharField(
        label=_("選択肢（1行に1つ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("単一選択・複数選択の設問で使います。"),
    )
    rows = forms.CharField(
        label=_("表の行（1行に1つ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("件数の表で使います（例: 身体、知的、精神）。"),
    )
    columns = forms.CharField(
        label=_("表の列（1行に1つ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("件数の表で使います（例: 区分1、区分2、区分3）。"),
    )
    max_rows = forms.IntegerField(
        label=_("ケースの数（上限）"),
        min_value=1,
        max_value=MAX_CASE_ROWS,
        initial=DEFAULT_CASE_ROWS,
        required=False,
        help_text=_("困難ケースの一覧で使います（例: 上位10ケース）。"),
    )
    prefill_key = forms.ChoiceField(label=_("記録からの自動入力"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prefill_key"].choices = prefill.choices()  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("choices", "rows", "columns"):
            data[name] = _lines(data[name])
        if data.get("max_rows") is None:
            data["max_rows"] = DEFAULT_CASE_ROWS
        return data


class RecipientsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("種類でまとめて選ぶ"),
        required=False,
        choices=[(k.value, k.label) for k in RECIPIENT_KINDS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("選んだ種類の事業所・機関すべてに送ります。"),
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("個別に選ぶ"),
        required=False,
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, offices: QuerySet[Organization], chosen: list[int], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"organizations": chosen})
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = offices  # type: ignore[attr-defined]
        self.offices = offices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = {o.pk: o for o in data.get("organizations") or []}
        for org in self.offices.filter(kind__in=data.get("kinds") or []):
            chosen.setdefault(org.pk, org)
        if not chosen and not self.errors:
            raise forms.ValidationError(_("送付先を選んでください。"))
        data["chosen"] = list(chosen.values())
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("差し戻しの理由"), max_length=400, widget=forms.Textarea(attrs={"rows": 3})
    )


class CensusForm(forms.Form):
    fiscal_year = FiscalYearField(label=_("年度"))
    deadline = BoundedFormDateField(label=_("回答期限"))


class AnswerForm(forms.Form):
    """One field per question (a table: one per cell); the values are read by the kinds'
    handlers in the service, so "あ" or -1 comes back as the service's message."""

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        answers: dict[int, Answer],
        prefilled: dict[int, object],
        disabled: bool = False,
        case_choices: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`case_choices`: the answering office's own open cases (kinds.own_open_cases), given
        to the office only; anyone else reads the de-identified rows."""
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.prefilled = prefilled
        self.items: list[dict[str, Any]] = []
        for q in questions:
            answer = answers.get(q.pk)
            value = answer.value if answer is not None else prefilled.get(q.pk)
            from_records = answer.prefilled if answer is not None else prefilled.get(q.pk)
            label = f"{q.position}. {q.text}"
            item: dict[str, Any] = {
                "question": q,
                "names": [],
                "from_records": from_records is not None and q.prefill_key != "",
                "prefilled": from_records,
                "changed": answer is not None
                and from_records is not None
                and answer.value != from_records,
                "display": kinds.handler_for(q.kind).display(
                    kinds.Definition(q.choices, q.rows, q.columns), from_records
                )
                if from_records is not None
                else "",
            }
            name = f"q{q.pk}"
            common: dict[str, Any] = {
                "label": label,
                "required": False,
                "help_text": q.help_text,
                "disabled": disabled,
            }
            if q.kind == QuestionKind.NUMBER:
                self.fields[name] = forms.CharField(
                    initial="" if value is None else str(value),
                    max_length=20,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                    **common,
                )
            elif q.kind == QuestionKind.SINGLE:
                self.fields[name] = forms.ChoiceField(
                    choices=[(c, c) for c in q.choices],
                    initial=value,
                    widget=forms.RadioSelect,
                    **common,
                )
            elif q.kind == QuestionKind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    choices=[(c, c) for c in q.choices],
                    initial=value or [],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            elif q.kind == QuestionKind.TEXT:
                self.fields[name] = forms.CharField(
                    initial=value or "",
                    max_length=TEXT_ANSWER_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    strip=True,
                    **common,
                )
            elif q.kind == QuestionKind.CASES:
                item["case_rows"] = self._case_rows(q, answer, case_choices, disabled)
                self.items.append(item)
                continue
            elif q.kind == QuestionKind.TABLE:
                cells: list[list[str]] = []
                for i, row in enumerate(q.rows):
                    cells.append([])
                    for j, column in enumerate(q.columns):
                        cell = f"q{q.pk}_{i}_{j}"
                        current = (
                            value[i][j]
                            if isinstance(value, list) and i < len(value) and j < len(value[i])
                            else None
                        )
                        self.fields[cell] = forms.CharField(
                            label=f"{row} {column}",
                            required=False,
                            disabled=disabled,
                            max_length=20,
                            initial="" if current is None else str(current),
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
                        )
                        cells[-1].append(cell)
                item["cells"] = cells
                self.items.append(item)
                continue
            item["names"] = [name]
            self.items.append(item)

    def _case_rows(
        self,
        q: Question,
        answer: Answer | None,
        case_choices: list[tuple[int, str]] | None,
        disabled: bool,
    ) -> list[dict[str, str]]:
        """Rank by rank: the case (the office only), the summary and the reasons to keep."""
        value = answer.value if answer is not None and isinstance(answer.value, list) else []
        own = answer.own_cases if answer is not None and case_choices is not None else []
        rows = []
        for i in range(q.max_rows):
            stored = value[i] if i < len(value) and isinstance(value[i], dict) else {}
            names = {"summary": f"q{q.pk}_summary_{i}", "keep": f"q{q.pk}_keep_{i}"}
            if case_choices is not None:
                names["case"] = f"q{q.pk}_case_{i}"
                self.fields[names["case"]] = forms.TypedChoiceField(
                    label=_("%(n)s位のケース") % {"n": i + 1},
                    choices=[("", _("（選ばない）")), *case_choices],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    disabled=disabled,
                    initial=own[i] if i < len(own) else None,
                )
            self.fields[names["summary"]] = forms.CharField(
                label=_("%(n)s位の概要（匿名化）") % {"n": i + 1},
                required=False,
                disabled=disabled,
                max_length=TEXT_ANSWER_MAX_LENGTH,
                initial=stored.get("summary", ""),
                help_text=_("空欄のときは、ケースの記録から匿名化した下書きを作ります。"),
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[names["keep"]] = forms.CharField(
                label=_("%(n)s位で残す表現と理由（1行に「キー 理由」）") % {"n": i + 1},
                required=False,
                disabled=disabled,
                max_length=4000,
                initial="\n".join(
                    f"{k.get('key')} {k.get('reason')}" for k in stored.get("kept", [])
                ),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            rows.append(names)
        return rows

    def fields_of(self) -> list[dict[str, Any]]:
        """The template's rows: each question with its bound fields."""
        shown = []
        for item in self.items:
            entry = dict(item)
            entry["fields"] = [self[n] for n in item["names"]]
            if "case_rows" in item:
                entry["fields"] = [self[n] for row in item["case_rows"] for n in row.values()]
            if "cells" in item:
                entry["table"] = [
                    (label, [self[c] for c in row])
                    for label, row in zip(item["question"].rows, item["cells"], strict=False)
                ]
            shown.append(entry)
        return shown

    def raw_answers(self) -> dict[int, object]:
        data = self.cleaned_data
        raw: dict[int, object] = {}
        for item in self.items:
            q = item["question"]
            if "cells" in item:
                raw[q.pk] = [[data.get(c, "") for c in row] for row in item["cells"]]
            elif "case_rows" in item:
                if "case" not in (item["case_rows"] or [{}])[0]:
                    continue
                raw[q.pk] = [
                    {
                        "case_id": data.get(row["case"]),
                        "summary": data.get(row["summary"], ""),
                        "keep": dict(
                            line.strip().split(None, 1)
                            for line in str(data.get(row["keep"], "")).splitlines()
                            if len(line.strip().split(None, 1)) == 2
                        ),
                    }
                    for row in item["case_rows"]
                    if data.get(row["case"])
                ]
            else:
                raw[q.pk] = data.get(f"q{q.pk}")
        return raw


class OfficeChoiceForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("事業所"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, offices: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
