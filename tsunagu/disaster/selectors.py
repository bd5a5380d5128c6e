"""Reads of the disaster app: the list per area, a campaign's rows, its progress per area."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tsunagu.audit import services as audit
from tsunagu.core.actor import Actor
from tsunagu.core.exports import ExportTable
from tsunagu.disaster import access
from tsunagu.disaster.models import COUNTED, Campaign, CheckState, RegisterEntry, SafetyCheck
from tsunagu.organizations.models import Area
from tsunagu.people import protection


def register_rows(actor: Actor, *, area: Area | None = None) -> QuerySet[RegisterEntry]:
    """The list as the actor may see it, for one area (and those below it) when given."""
    rows = access.entries_visible_to(actor).select_related("plan")
    if area is not None:
        rows = rows.filter(person__area_id__in=access.area_ids_under([area]))
    return rows.order_by("person__area__sort_order", "person__kana_normalized", "pk")


def list_areas() -> QuerySet[Area]:
    """The areas a printed list is made for: wards, 民生委員区 and the others."""
    return Area.objects.exclude(kind="city").order_by("sort_order", "code")


@dataclass(frozen=True)
class CheckRow:
    entry: RegisterEntry
    latest: SafetyCheck | None
    # The person's whereabouts as the row may show them (people.protection: hidden for a
    # person under DV protection, on the phone screen, the API and the export alike).
    contact: protection.Contact | None = None

    @property
    def shown_address(self) -> str:
        """The address for an output, or the hidden label; nothing without an answer."""
        if self.contact is None:
            return ""
        return self.contact.label if self.contact.hidden else self.contact.address

    @property
    def shown_phone(self) -> str:
        if self.contact is None:
            return ""
        return self.contact.label if self.contact.hidden else self.contact.phone

    @property
    def state(self) -> str:
        return self.latest.state if self.latest else ""

    @property
    def reached(self) -> bool:
        return self.latest is not None and self.latest.state != CheckState.NOT_REACHED


def latest_checks(campaign: Campaign) -> dict[int, SafetyCheck]:
    """Each person's state: the newest check that counts (not one in open conflict, not one
    set aside when a conflict was settled)."""
    latest: dict[int, SafetyCheck] = {}
    checks = campaign.checks.filter(resolution__in=COUNTED)
    for check in checks.select_related("recorded_by", "organization").order_by("recorded_at", "pk"):
        latest[check.entry_id] = check
    return latest


def campaign_rows(actor: Actor, campaign: Campaign) -> list[CheckRow]:
    """Everyone of the campaign the actor may see, the not yet reached first."""
    visible = access.entries_visible_to(actor).values("pk")
    entries = access.campaign_entries(campaign).filter(pk__in=visible)
    latest = latest_checks(campaign)
    listed = list(entries)
    contacts = protection.contacts_of(e.person for e in listed)
    rows = [CheckRow(e, latest.get(e.pk), contacts[e.person_id]) for e in listed]
    rows.sort(key=lambda r: (r.reached, r.entry.person.kana_normalized, r.entry.pk))
    return rows


@dataclass(frozen=True)
class AreaProgress:
    area: str
    total: int
    counts: dict[str, int]

    @property
    def unchecked(self) -> int:
        return self.total - sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in CheckState.values]


def progress(actor: Actor, campaign: Campaign) -> list[AreaProgress]:
    """Counts per state for each area of the persons (no names: counts only)."""
    latest = latest_checks(campaign)
    totals: Counter[str] = Counter()
    per_area: dict[str, Counter[str]] = {}
    for entry in access.campaign_entries(campaign):
        name = entry.person.area.name if entry.person.area else _("地域なし")
        totals[name] += 1
        counts = per_area.setdefault(name, Counter())
        if entry.pk in latest:
            counts[latest[entry.pk].state] += 1
    return [AreaProgress(name, totals[name], dict(per_area[name])) for name in sorted(totals)]


def export_tables(actor: Actor, campaign: Campaign) -> list[ExportTable]:
    """For the disaster headquarters: the counts per area and every person's latest state."""
    rows = campaign_rows(actor, campaign)
    audit.record_read(
        actor,
        view="disaster_campaign_export",
        person_ids=[r.entry.person_id for r in rows],
        target=campaign,
    )
    state_labels = [str(label) for label in CheckState.labels]
    summary = ExportTable(
        title=_("%(title)s 地域別の安否確認状況") % {"title": campaign.title},
        header=[_("地域"), _("対象者"), *state_labels, _("未確認")],
        rows=[[p.area, p.total, *p.cells, p.unchecked] for p in progress(actor, campaign)],
        sheet=_("地域別"),
        notes=[_("提供の根拠: %(basis)s") % {"basis": campaign.basis}],
    )
    people = ExportTable(
        title=_("%(title)s 安否確認の記録") % {"title": campaign.title},
        header=[_("氏名"), _("地域"), _("住所"), _("状態"), _("避難先"), _("メモ"), _("記録日時")],
        rows=[
            [
                r.entry.person.display_name,
                r.entry.person.area.name if r.entry.person.area else "",
                r.shown_address,
                r.latest.get_state_display() if r.latest else _("未確認"),
                r.latest.evacuated_to if r.latest else "",
                r.latest.note if r.latest else "",
                r.latest.recorded_at.strftime("%Y-%m-%d %H:%M") if r.latest else "",
            ]
            for r in rows
        ],
        sheet=_("本人別"),
        numeric_from=99,
    )
    return [summary, people]
