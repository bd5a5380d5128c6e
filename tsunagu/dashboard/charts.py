"""The dashboards' charts, drawn on the server as SVG: no script, no library, no CDN.

Two shapes: a horizontal bar chart (one bar per category) and a line over months (or any
ordered points, with an optional reference line such as a cap).  Each chart is an image with a
<title> and a <desc> (role="img", labelled by both), so a screen reader announces what it
shows; the page puts a table and a one-line summary beside every chart, which carry the
figures themselves.  A value of None is a suppressed cell (fewer than 5, council view): no bar
and no point is drawn for it, and its label says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BLUE = "#1f5f9e"
RED = "#b3261e"
GREY = "#595959"
LONG_LABEL = 14  # characters: a longer label goes on its own line above its bar


def _num(value: float) -> str:
    return f"{round(value, 1):g}"


def bar_chart(
    bars: Sequence[tuple[str, int | None]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    suppressed_label: str = "",
    width: int = 480,
) -> SafeString:
    """Horizontal bars with their values.  Short labels stand left of their bar; long ones
    (the difficulty factors of seed 000) on a line of their own above it, never cut."""
    stacked = max((len(label) for label, _v in bars), default=0) > LONG_LABEL
    row = 38 if stacked else 22
    label_w = 0 if stacked else 200
    value_w = 56
    height = max(1, len(bars)) * row + 4
    plot = width - label_w - value_w
    top = max([v for _label, v in bars if v is not None] + [1])
    items = []
    for i, (label, value) in enumerate(bars):
        y = 2 + i * row
        bar_y = y + (18 if stacked else 3)
        length = 0.0 if value is None else value / top * plot
        items.append(
            (
                _num(y + 13 if stacked else y + row / 2 + 4),
                0 if stacked else label_w - 6,
                "start" if stacked else "end",
                label,
                label_w,
                _num(bar_y),
                _num(max(length, 0.0)),
                16,
                _num(label_w + length + 4),
                _num(bar_y + 12),
                suppressed_label if value is None else str(value),
            )
        )
    body = format_html_join(
        "",
        '<text x="{1}" y="{0}" text-anchor="{2}" font-size="12">{3}</text>'
        '<rect x="{4}" y="{5}" width="{6}" height="{7}" fill="' + BLUE + '"/>'
        '<text x="{8}" y="{9}" font-size="12" fill="' + GREY + '">{10}</text>',
        items,
    )
    return format_html(
        '<svg class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=desc,
        body=body,
    )


def line_points(values: Sequence[int | None], *, width: int, height: int, top: int) -> list[str]:
    """The polylines of a series (a suppressed value breaks the line): "x,y x,y" each."""
    step = (width - 2) / max(1, len(values) - 1)
    lines: list[list[str]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if lines[-1]:
                lines.append([])
            continue
        lines[-1].append(f"{_num(1 + i * step)},{_y(value, height=height, top=top)}")
    return [" ".join(points) for points in lines if points]


def _y(value: int, *, height: int, top: int) -> str:
    return _num(height - 2 - value / max(top, 1) * (height - 4))


def line_chart(
    values: Sequence[int | None],
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    reference: int | None = None,
    width: int = 480,
    height: int = 120,
    css_class: str = "chart",
    labels: Sequence[str] = (),
    hidden_below: int | None = None,
) -> SafeString:
    """A line over ordered points (oldest first), the highest value (or the reference) at the
    top; `reference` is drawn dashed (e.g. a caseload cap); `labels`, if given, are written
    under the first and the last point.  A suppressed point (None) breaks the line; with
    `hidden_below` a pale band up to that value marks where it lies (e.g. "under 5")."""
    top = max([v for v in values if v is not None] + [reference or 0, hidden_below or 0, 1])
    axis = 14 if labels else 0
    plot_h = height - axis
    step = (width - 2) / max(1, len(values) - 1)
    bands = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#d9d9d9"/>',
        (
            (
                _num(max(0.0, 1 + i * step - 6)),
                _y(hidden_below, height=plot_h, top=top),
                12,
                _num(
                    float(_y(0, height=plot_h, top=top))
                    - float(_y(hidden_below, height=plot_h, top=top))
                ),
            )
            for i, v in enumerate(values)
            if v is None and hidden_below is not None
        ),
    )
    polylines = format_html_join(
        "",
        '<polyline fill="none" stroke="' + BLUE + '" stroke-width="2" points="{}"/>',
        ((points,) for points in line_points(values, width=width, height=plot_h, top=top)),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2.5" fill="' + BLUE + '"/>',
        (
            (
                _num(1 + i * (width - 2) / max(1, len(values) - 1)),
                _y(v, height=plot_h, top=top),
            )
            for i, v in enumerate(values)
            if v is not None and css_class == "chart"
        ),
    )
    ref = (
        format_html(
            '<line x1="0" x2="{w}" y1="{y}" y2="{y}" stroke="' + RED + '" '
            'stroke-dasharray="3 3" stroke-width="1"/>',
            w=width,
            y=_y(reference, height=plot_h, top=top),
        )
        if reference is not None
        else ""
    )
    axis_labels = (
        format_html(
            '<text x="0" y="{y}" font-size="11" fill="' + GREY + '">{first}</text>'
            '<text x="{w}" y="{y}" font-size="11" text-anchor="end" fill="'
            + GREY
            + '">{last}</text>',
            y=height - 2,
            w=width,
            first=labels[0],
            last=labels[-1],
        )
        if labels
        else ""
    )
    described = format_html('<desc id="{}-desc">{}</desc>', chart_id, desc) if desc else ""
    labelled = f"{chart_id}-title {chart_id}-desc" if desc else f"{chart_id}-title"
    return format_html(
        '<svg class="{cls}" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{labelled}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title>{described}{bands}{ref}{lines}{dots}{axis}</svg>',
        cls=css_class,
        w=width,
        h=height,
        labelled=labelled,
        id=chart_id,
        title=title,
        described=described,
        bands=bands,
        ref=ref,
        lines=polylines,
        dots=dots,
        axis=axis_labels,
    )
