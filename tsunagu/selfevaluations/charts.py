"""The office's years drawn with the dashboards' accessible SVG bar chart, one chart per area:
a bar per item and year, its score; the page's table carries the same figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tsunagu.dashboard.charts import bar_chart
from tsunagu.selfevaluations.selectors import History


@dataclass
class AreaChart:
    area: str
    svg: SafeString


def history_charts(found: History) -> list[AreaChart]:
    areas: dict[str, list[tuple[str, int | None]]] = {}
    for row in found.rows:
        bars = areas.setdefault(row.area, [])
        for label, score in zip(found.year_labels, row.scores, strict=True):
            bars.append((f"{row.code} {label}", score))
    charts = []
    for index, (area, bars) in enumerate(areas.items(), start=1):
        desc = _("%(office)s の「%(area)s」の各項目の評価を年度ごとに並べた棒グラフ。%(years)s。")
        charts.append(
            AreaChart(
                area,
                bar_chart(
                    bars,
                    chart_id=f"history-{index}",
                    title=_("%(area)s の評価（年度比較）") % {"area": area},
                    desc=desc
                    % {
                        "office": found.office.name,
                        "area": area,
                        "years": "、".join(found.year_labels),
                    },
                    suppressed_label=_("未回答"),
                ),
            )
        )
    return charts
