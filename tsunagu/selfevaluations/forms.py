from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.dates import fiscal_year_label
from tsunagu.selfevaluations import selectors
from tsunagu.selfevaluations.models import (
    LABEL_MAX,
    MAX_LEVELS,
    TEXT_MAX,
    CriteriaArea,
    CriteriaItem,
    CriteriaSet,
    SelfEvaluation,
)

DEFAULT_SCALE = "\n".join(
    [
        "できていない",
        "一部できている",
        "おおむねできている",
        "十分できている",
    ]
)


def year_choices() -> list[tuple[int, str]]:
    year = selectors.this_year()
    return [(y, fiscal_year_label(y)) for y in range(year + 1, year - 3, -1)]


class SetChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in the stubs only
    def label_from_instance(self, obj: CriteriaSet) -> str:
        return f"{fiscal_year_label(obj.fiscal_year)} {obj.title}"


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class ScaleField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("評価の段階"),
            widget=forms.Textarea(attrs={"rows": 5}),
            max_length=(LABEL_MAX + 2) * MAX_LEVELS,
            help_text=_("1行に1段階、低い段階（1）から順に書きます。例: 1 できていない。"),
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        return _lines(str(super().to_python(value) or ""))


class SetForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    title = forms.CharField(label=_("名称"), max_length=200)
    copy_from = SetChoiceField(
        label=_("引き継ぐ評価基準"),
        queryset=CriteriaSet.objects.none(),
        required=False,
        empty_label=_("（引き継がずに一から作る）"),
        help_text=_("前年度の領域・評価項目・段階・手引きを写して始めます。"),
    )
    scale_labels = ScaleField(required=False)
    guidance = forms.CharField(
        label=_("記入の手引き"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, sets: Any, **kwargs: Any) -> None:
        latest = sets.order_by("-fiscal_year").first()
        kwargs.setdefault(
            "initial",
            {
                "fiscal_year": selectors.this_year(),
                "copy_from": latest.pk if latest else None,
                "scale_labels": "" if latest else DEFAULT_SCALE,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["copy_from"].queryset = sets  # type: ignore[attr-defined]
        self.fields["scale_labels"].help_text = _(
            "1行に1段階、低い段階（1）から順に。引き継ぐときは空欄で前年度のまま。"
        )


class SetEditForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    scale_labels = ScaleField()
    guidance = SetForm.base_fields["guidance"]

    def __init__(self, *args: Any, criteria: CriteriaSet, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": criteria.title,
                "scale_labels": "\n".join(criteria.scale_labels),
                "guidance": criteria.guidance,
            },
        )
        super().__init__(*args, **kwargs)


class AreaForm(forms.Form):
    name = forms.CharField(label=_("領域"), max_length=100, help_text=_("例: 運営体制"))
    position = forms.IntegerField(label=_("順番"), min_value=1, max_value=100, required=False)

    def __init__(self, *args: Any, area: CriteriaArea | None = None, **kwargs: Any) -> None:
        if area is not None:
            kwargs.setdefault("initial", {"name": area.name, "position": area.position})
        super().__init__(*args, **kwargs)
        if area is None:
            del self.fields["position"]


class ItemForm(forms.Form):
    area = forms.ModelChoiceField(label=_("領域"), queryset=CriteriaArea.objects.none())
    code = forms.CharField(label=_("項目番号"), max_length=20, help_text=_("例: 1-2"))
    text = forms.CharField(label=_("評価項目"), max_length=300)
    guidance = forms.CharField(
        label=_("評価の観点"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("どのような状態ならどの段階か、確かめる資料など。"),
    )

    def __init__(
        self, *args: Any, criteria: CriteriaSet, item: CriteriaItem | None = None, **kwargs: Any
    ) -> None:
        if item is not None:
            kwargs.setdefault(
                "initial",
                {
                    "area": item.area_id,
                    "code": item.code,
                    "text": item.text,
                    "guidance": item.guidance,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = criteria.areas.all()  # type: ignore[attr-defined]


class StartForm(forms.Form):
    criteria_set = SetChoiceField(label=_("評価基準"), queryset=CriteriaSet.objects.none())

    def __init__(self, *args: Any, sets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = sets  # type: ignore[attr-defined]


class EvaluationForm(forms.Form):
    """A score and a comment per item, and the overall comment."""

    overall_comment = forms.CharField(
        label=_("全体の振り返り"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("1年の運営を振り返って。個人が分かることは書かないでください。"),
    )

    def __init__(self, *args: Any, evaluation: SelfEvaluation, **kwargs: Any) -> None:
        self.groups = selectors.answers_by_area(evaluation)
        initial: dict[str, Any] = {"overall_comment": evaluation.overall_comment}
        for group in self.groups:
            for a in group.answers:
                initial[f"score_{a.item_id}"] = a.score or ""
                initial[f"comment_{a.item_id}"] = a.comment
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        levels = [("", _("（未選択）")), *evaluation.criteria_set.levels]
        for group in self.groups:
            for a in group.answers:
                self.fields[f"score_{a.item_id}"] = forms.TypedChoiceField(
                    label=_("%(code)s の評価") % {"code": a.item.code},
                    choices=levels,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
                self.fields[f"comment_{a.item_id}"] = forms.CharField(
                    label=_("%(code)s のコメント") % {"code": a.item.code},
                    max_length=TEXT_MAX,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def rows(self) -> list[tuple[Any, list[tuple[Any, Any, Any]]]]:
        return [
            (
                g.area,
                [(a, self[f"score_{a.item_id}"], self[f"comment_{a.item_id}"]) for a in g.answers],
            )
            for g in self.groups
        ]

    def answers(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            a.item_id: {
                "score": data[f"score_{a.item_id}"],
                "comment": data[f"comment_{a.item_id}"],
            }
            for g in self.groups
            for a in g.answers
        }


class ReviewForm(forms.Form):
    center_comment = forms.CharField(
        label=_("全体への所見"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, evaluation: SelfEvaluation, **kwargs: Any) -> None:
        self.groups = selectors.answers_by_area(evaluation)
        initial = {"center_comment": evaluation.center_comment}
        for group in self.groups:
            for a in group.answers:
                initial[f"center_{a.item_id}"] = a.center_comment
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for group in self.groups:
            for a in group.answers:
                self.fields[f"center_{a.item_id}"] = forms.CharField(
                    label=_("%(code)s への所見") % {"code": a.item.code},
                    max_length=TEXT_MAX,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def rows(self) -> list[tuple[Any, list[tuple[Any, Any]]]]:
        return [
            (g.area, [(a, self[f"center_{a.item_id}"]) for a in g.answers]) for g in self.groups
        ]

    def comments(self) -> dict[int, str]:
        return {
            a.item_id: self.cleaned_data[f"center_{a.item_id}"]
            for g in self.groups
            for a in g.answers
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("差し戻しの理由"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("事業所に何を直してほしいかを書きます。事業所の画面に表示されます。"),
    )
