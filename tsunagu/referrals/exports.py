"""The statistics as tables for the files (CSV in UTF-8 with BOM, CSV in CP932, xlsx, PDF),
which `tsunagu.core.exports` writes — the same writer every table of the project uses,
including its CP932 replacement of what CP932 cannot hold (𠮷 → 吉, otherwise 〓), said on the
screen, in the file's last rows and in the `X-Tsunagu-Replaced-Characters` header.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from tsunagu.core.exports import ExportTable, Replacement, cp932_replacements
from tsunagu.referrals.statistics import JointSupportTable, OrganizationRow, Period

__all__ = [
    "Replacement",
    "cp932_replacements",
    "joint_support_rows",
    "organization_rows",
    "statistics_tables",
    "texts_of",
]


# --- Tables as rows -------------------------------------------------------------------------


def joint_support_rows(table: JointSupportTable) -> tuple[list[str], list[list[object]]]:
    header = [_("依頼者"), *table.columns, _("計")]
    body: list[list[object]] = [[row.label, *row.cells, row.total] for row in table.rows]
    body.append([_("計"), *table.column_totals, table.total])
    return header, body


def organization_rows(rows: Sequence[OrganizationRow]) -> tuple[list[str], list[list[object]]]:
    header = [
        _("依頼先の機関"),
        _("種別"),
        _("依頼件数"),
        _("受理"),
        _("お断り"),
        _("未決定（取り下げを含む）"),
        _("受理率（%）"),
        _("受理までの日数（中央値）"),
    ]
    body: list[list[object]] = [
        [
            r.name,
            r.kind_label,
            r.received,
            r.accepted,
            r.rejected,
            r.undecided,
            "" if r.acceptance_rate is None else round(r.acceptance_rate * 100, 1),
            "" if r.median_days_to_acceptance is None else r.median_days_to_acceptance,
        ]
        for r in rows
    ]
    return header, body


def texts_of(header: Sequence[str], body: Sequence[Sequence[object]], title: str) -> list[str]:
    return [title, *header, *(str(v) for row in body for v in row)]


def statistics_tables(
    period: Period, table: JointSupportTable, organizations: Sequence[OrganizationRow]
) -> dict[str, ExportTable]:
    """The two tables of the statistics screen, keyed as the export's `table` parameter."""
    joint_header, joint_body = joint_support_rows(table)
    org_header, org_body = organization_rows(organizations)
    basis = (
        _("基準日までに受理された共同支援依頼を数えています。")
        if table.accepted_only
        else _(
            "年度の初めから基準日までに送られた共同支援依頼（お断り・取り下げを含む）を数えています。"
        )
    )
    return {
        "joint_support": ExportTable(
            title=_("共同支援依頼 %(period)s") % {"period": period.label},
            header=joint_header,
            rows=joint_body,
            sheet=_("共同支援依頼"),
            notes=(basis,),
        ),
        "organizations": ExportTable(
            title=_("依頼先の機関別 受理の状況 %(period)s") % {"period": period.label},
            header=org_header,
            rows=org_body,
            sheet=_("機関別"),
            numeric_from=2,
            notes=(_("すべての種類の依頼。受理率は「受理 ÷（受理＋お断り）」です。"),),
        ),
    }
