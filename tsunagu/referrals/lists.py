"""The referral inbox and outbox: filters and columns (core/lists.py shows them).

The box (受信 / 送信) and the state (進行中 by default) always narrow the rows, also when the
page is opened without a query string, so the filter set is always bound.
"""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tsunagu.core.lists import DayFilter, ListTable
from tsunagu.core.templatetags.japanese_dates import day
from tsunagu.core.validators import MAX_ID
from tsunagu.organizations.models import Organization
from tsunagu.people import selectors as people_selectors
from tsunagu.referrals import selectors
from tsunagu.referrals.models import Referral, ReferralKind, ReferralStatus, Side


class ReferralFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    q = django_filters.CharFilter(
        label=_("依頼番号・対象の方・機関名"),
        method="search",
        max_length=100,
        help_text=_("対象の方の名前は、依頼元では本人の名前で、依頼先では概要の名前で探します。"),
    )
    box = django_filters.ChoiceFilter(
        choices=[(selectors.INBOX, _("受信した依頼")), (selectors.OUTBOX, _("送った依頼"))],
        method="narrowed_below",
        widget=forms.HiddenInput,
    )
    state = django_filters.ChoiceFilter(
        label=_("表示"),
        choices=[
            (selectors.STATE_OPEN, _("進行中")),
            (selectors.STATE_OVERDUE, _("受付期限を過ぎたもの")),
            (selectors.STATE_ALL, _("すべて")),
        ],
        empty_label=None,
        method="narrowed_below",
    )
    kind = django_filters.ChoiceFilter(
        label=_("種類"), choices=ReferralKind.choices, empty_label=_("すべて")
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("相手の機関"),
        queryset=Organization.objects.none(),  # the acting organization's counterparts
        method="with_organization",
        empty_label=_("すべて"),
    )
    requested_from = DayFilter(
        label=_("依頼日（から）"), field_name="requested_at", lookup_expr="date__gte"
    )
    requested_to = DayFilter(
        label=_("依頼日（まで）"), field_name="requested_at", lookup_expr="date__lte"
    )

    status = django_filters.MultipleChoiceFilter(
        label=_("状態"), choices=ReferralStatus.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data if data is not None else {}, *args, **kwargs)
        actor = getattr(self.request, "actor", None)
        if actor is not None:
            self.filters["organization"].queryset = selectors.counterparts(actor)

    def box_shown(self) -> str:
        given = self.form.cleaned_data.get("box") if self.is_valid() else None
        return selectors.OUTBOX if given == selectors.OUTBOX else selectors.INBOX

    def filter_queryset(self, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
        actor = self.request.actor
        state = self.form.cleaned_data.get("state") or selectors.STATE_OPEN
        narrowed = selectors.in_state(selectors.in_box(actor, queryset, self.box_shown()), state)
        filtered: QuerySet[Referral] = super().filter_queryset(narrowed)
        return filtered

    def narrowed_below(self, queryset: QuerySet[Referral], name: str, value: str) -> Any:
        return queryset  # box and state: filter_queryset, which also applies their defaults

    def search(self, queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        text = value.strip()
        if not text:
            return queryset
        actor = self.request.actor
        # The requester sees the person's name; the receiver only the summary it was sent.
        persons = people_selectors.person_search(actor, query=text).order_by().values("pk")
        found = (
            Q(requesting_organization_id=actor.organization_id, person__in=persons)
            | Q(summary__name__icontains=text)
            | Q(requesting_organization__name__icontains=text)
            | Q(receiving_organization__name__icontains=text)
        )
        number = text.lstrip("#＃")
        if number.isdigit() and int(number) <= MAX_ID:
            found |= Q(pk=int(number))
        return queryset.filter(found)

    def with_organization(
        self, queryset: QuerySet[Referral], name: str, value: Organization
    ) -> QuerySet[Referral]:
        return queryset.filter(Q(requesting_organization=value) | Q(receiving_organization=value))


class ReferralTable(ListTable):
    referral = tables.Column(verbose_name=_("依頼"), accessor="pk", order_by=("pk",))
    subject = tables.Column(verbose_name=_("対象の方"), accessor="pk", orderable=False)
    case = tables.Column(verbose_name=_("ケース"), accessor="case_id")
    counterpart = tables.Column(
        verbose_name=_("相手の機関"),
        accessor="pk",
        # In a box one of the two is the acting organization, so this sorts by the other.
        order_by=("receiving_organization__name_kana", "requesting_organization__name_kana"),
    )
    status = tables.Column(verbose_name=_("状態"))
    requested_at = tables.Column(verbose_name=_("依頼日"), default="—")
    deadline = tables.Column(
        verbose_name=_("受付の期限"), accessor="pk", order_by=("requested_at",)
    )

    region_label = _("依頼の一覧")

    class Meta(ListTable.Meta):
        model = Referral
        fields: list[str] = []
        empty_text = _("該当する依頼はありません。")
        sequence = (
            "referral",
            "subject",
            "case",
            "counterpart",
            "status",
            "requested_at",
            "deadline",
        )

    def _row(self, record: Referral) -> selectors.Row:
        rows: dict[int, selectors.Row] = self.__dict__.setdefault("_rows", {})
        if record.pk not in rows:
            rows[record.pk] = selectors.rows(self.request.actor, [record])[0]
        return rows[record.pk]

    def render_referral(self, record: Referral) -> SafeString:
        url = reverse("referrals:detail", kwargs={"referral_id": record.pk})
        link = format_html('<a href="{}">{} #{}</a>', url, record.get_kind_display(), record.pk)
        if self._row(record).needs_action:
            return format_html('{} <span class="badge badge--warning">{}</span>', link, _("要対応"))
        return link

    def render_subject(self, record: Referral) -> SafeString:
        row = self._row(record)
        if row.side == Side.REQUESTER and record.person_id:
            url = reverse("people:person_detail", kwargs={"person_id": record.person_id})
            return format_html('<a href="{}">{}</a>', url, row.subject)
        return format_html("{}", row.subject)

    def render_case(self, record: Referral) -> SafeString:
        if not selectors.case_visible(self.request.actor, record):
            return SafeString("—")
        url = reverse("cases:case_detail", kwargs={"case_id": record.case_id})
        return format_html('<a href="{}">#{}</a>', url, record.case_id)

    def render_counterpart(self, record: Referral) -> SafeString:
        requester = self._row(record).side == Side.REQUESTER
        other = record.receiving_organization if requester else record.requesting_organization
        url = reverse("organizations:detail", kwargs={"organization_id": other.pk})
        return format_html('<a href="{}">{}</a>', url, other.name)

    def render_status(self, record: Referral) -> SafeString:
        """The status, a link to the box's rows in that status."""
        outbox = self._row(record).side == Side.REQUESTER
        query = urlencode(
            [
                *([("box", selectors.OUTBOX)] if outbox else []),
                ("state", selectors.STATE_ALL),
                ("status", record.status),
            ]
        )
        badge = render_to_string("referrals/partials/status_badge.html", {"referral": record})
        return format_html(
            '<a href="{}?{}">{}</a>', reverse("referrals:list"), query, SafeString(badge)
        )

    def render_requested_at(self, record: Referral) -> SafeString:
        requested_on = self._row(record).requested_on
        return format_html("{}", day(requested_on) if requested_on else "—")

    def render_deadline(self, record: Referral) -> SafeString:
        return SafeString(
            render_to_string("referrals/partials/deadline.html", {"row": self._row(record)})
        )


def referral_persons(rows: list[Referral]) -> list[int]:
    """Whose data the page showed: the person each referral is about."""
    return sorted({r.person_id for r in rows if r.person_id})
