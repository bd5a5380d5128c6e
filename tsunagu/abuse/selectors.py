"""Reads of the abuse response: lists, the overdue fact-findings and the yearly survey."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.abuse import access
from tsunagu.abuse.models import (
    AbuseReport,
    AbuserType,
    AbuseType,
    Judgement,
    Measure,
    ReportStatus,
)
from tsunagu.cases.access import persons_visible_to
from tsunagu.core.actor import Actor
from tsunagu.core.dates import fiscal_year_label, fiscal_year_range
from tsunagu.core.exports import ExportTable
from tsunagu.notifications.registry import Shown
from tsunagu.people.models import Person


def report_rows(actor: Actor) -> QuerySet[AbuseReport]:
    return access.reports_visible_to(actor).select_related("receiving_organization")


def overdue(actor: Actor, *, now: dt.datetime | None = None) -> QuerySet[AbuseReport]:
    """Reports still waiting for their fact-finding past its deadline (第9条: promptly)."""
    moment = now or timezone.now()
    return (
        report_rows(actor)
        .filter(status=ReportStatus.RECEIVED, fact_finding_due__lt=moment)
        .order_by("fact_finding_due", "pk")
    )


def render_report_notifications(actor: Actor, ids: Sequence[int]) -> Mapping[int, Shown]:
    """The notifications registry's renderer: the reports the reader may see now (the response
    organizations only).  The title names the receipt time, never the person or the reporter,
    so a notification read later tells nothing the report's page would not."""
    rows = report_rows(actor).filter(pk__in=ids)
    return {
        row.pk: Shown(
            title=_("%(received)s受付の虐待の通報（事実確認の期限 %(due)s）")
            % {
                "received": f"{timezone.localtime(row.received_at):%Y-%m-%d %H:%M}",
                "due": f"{timezone.localtime(row.fact_finding_due):%Y-%m-%d %H:%M}",
            },
            url=reverse("abuse:report_detail", args=[row.pk]),
        )
        for row in rows
    }


def linkable_persons(actor: Actor) -> QuerySet[Person]:
    """The persons the actor's organization may see anyway: a report links only one of them."""
    return persons_visible_to(actor).order_by("kana_normalized", "pk")


@dataclass(frozen=True)
class Survey:
    """The city's figures for 障害者虐待対応状況調査: reports received in the fiscal year."""

    fiscal_year: int
    total: int
    # abuser type → abuse type → count (a report of several types counts under each)
    by_type: list[tuple[str, str, list[int], int]]
    by_outcome: list[tuple[str, str, list[int]]]  # outcome → counts per abuser type
    by_measure: list[tuple[str, str, list[int]]]  # measure → counts per abuser type
    by_receiver: list[tuple[str, int]]  # receiving organization → reports received

    def tables(self) -> list[ExportTable]:
        year = fiscal_year_label(self.fiscal_year)
        abuse_header = [str(label) for _v, label in AbuseType.choices]
        abuser_header = [str(label) for _v, label in AbuserType.choices]
        return [
            ExportTable(
                title=_("%(year)s 虐待者の種別・虐待の種別（通報・届出の受理件数）")
                % {"year": year},
                header=[_("虐待者の種別"), *abuse_header, _("受理件数")],
                rows=[[label, *counts, total] for _v, label, counts, total in self.by_type],
                sheet=_("種別"),
                notes=[_("複数の種別にあたる通報は、それぞれの種別に数えます。")],
            ),
            ExportTable(
                title=_("%(year)s 事実確認・判断の結果") % {"year": year},
                header=[_("結果"), *abuser_header],
                rows=[[label, *counts] for _v, label, counts in self.by_outcome],
                sheet=_("結果"),
            ),
            ExportTable(
                title=_("%(year)s 虐待と判断した事例への対応") % {"year": year},
                header=[_("対応"), *abuser_header],
                rows=[[label, *counts] for _v, label, counts in self.by_measure],
                sheet=_("対応"),
            ),
            ExportTable(
                title=_("%(year)s 受理した機関別の件数") % {"year": year},
                header=[_("受理した機関"), _("受理件数")],
                rows=[[name, count] for name, count in self.by_receiver],
                sheet=_("受理機関"),
            ),
        ]


def survey(actor: Actor, fiscal_year: int) -> Survey:
    first, last = fiscal_year_range(fiscal_year)
    reports = list(
        access.reports_visible_to(actor)
        .filter(received_at__date__gte=first, received_at__date__lte=last)
        .values(
            "abuser_type",
            "abuse_types",
            "judgement",
            "measures",
            "receiving_organization__name",
        )
    )
    abusers = AbuserType.values
    by_type = []
    for abuser, label in AbuserType.choices:
        mine = [r for r in reports if r["abuser_type"] == abuser]
        counts = [sum(1 for r in mine if kind in r["abuse_types"]) for kind in AbuseType.values]
        by_type.append((abuser, str(label), counts, len(mine)))
    outcomes: list[tuple[str, str]] = [(v, str(label)) for v, label in Judgement.choices]
    outcomes.append(("", _("判断前")))
    by_outcome = [
        (
            value,
            label,
            [
                sum(1 for r in reports if r["abuser_type"] == a and r["judgement"] == value)
                for a in abusers
            ],
        )
        for value, label in outcomes
    ]
    abuse = [r for r in reports if r["judgement"] == Judgement.ABUSE]
    by_measure = [
        (
            value,
            str(label),
            [
                sum(1 for r in abuse if r["abuser_type"] == a and value in r["measures"])
                for a in abusers
            ],
        )
        for value, label in Measure.choices
    ]
    return Survey(
        fiscal_year=fiscal_year,
        total=len(reports),
        by_type=by_type,
        by_outcome=by_outcome,
        by_measure=by_measure,
        by_receiver=sorted(Counter(r["receiving_organization__name"] for r in reports).items()),
    )


def status_counts(actor: Actor) -> dict[str, int]:
    rows = report_rows(actor).values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}
