"""The shared SVG drawing (dashboard/charts.py): an image labelled by its title and description,
text escaped, suppressed values drawn as no bar and no point."""

from __future__ import annotations

import re

from tsunagu.dashboard.charts import bar_chart, line_chart


def test_a_bar_chart_is_a_labelled_image_with_one_bar_per_value():
    svg = bar_chart(
        [("身体", 12), ("精神", 6), ("<script>", None)],
        chart_id="c",
        title="障害種別",
        desc="合計18件。",
        suppressed_label="5未満",
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">障害種別</title>' in svg
    assert '<desc id="c-desc">合計18件。</desc>' in svg
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] > widths[1] > 0
    assert widths[2] == 0  # the suppressed one: no bar, its label says so
    assert "5未満" in svg


def test_long_labels_stand_on_their_own_line_and_are_never_cut():
    label = "サービス拒否、導入しても生活問題が解決しない"
    svg = bar_chart([(label, 3)], chart_id="f", title="要因", desc="")
    assert f">{label}</text>" in svg
    assert 'x="0"' in svg
    assert 'text-anchor="start"' in svg


def test_a_line_breaks_at_a_suppressed_point_and_marks_it():
    svg = line_chart(
        [6, None, 8, 9],
        chart_id="m",
        title="月別",
        desc="合計",
        hidden_below=4,
        labels=["4月", "7月"],
    )
    assert svg.count("<polyline") == 2
    assert svg.count('fill="#d9d9d9"') == 1
    assert ">4月</text>" in svg
    assert ">7月</text>" in svg


def test_the_caseload_sparkline_is_drawn_by_the_same_module():
    svg = line_chart(
        [3, 4, 5], chart_id="trend-1", title="3件から5件へ", reference=4, width=132, height=36,
        css_class="sparkline",
    )  # fmt: skip
    assert 'class="sparkline"' in svg
    assert 'stroke-dasharray="3 3"' in svg
    assert 'aria-labelledby="trend-1-title"' in svg
