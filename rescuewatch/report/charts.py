"""Small inline SVG charts for the report, drawn directly (no plotting library: it is fast).

Every label passes through :func:`markupsafe.escape`, so text from the store can never
become markup. Charts are returned as :class:`markupsafe.Markup` ready for the template.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

__all__ = ["PALETTE", "stacked_bars", "heat_colour"]

# Okabe-Ito colours (distinguishable with colour-blindness), then neutral greys.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#999999", "#666666",
)
WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 190, 16, 40
LABEL_CHARS = 28  # legend labels longer than this are cut (the full text is the tooltip)


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return float(factor * power)
    return float(10 * power)


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def stacked_bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    unit: str = "incidents",
) -> Markup:
    """A stacked bar chart as an inline ``<svg>``, one bar per label (month), one colour per series.

    Parameters
    ----------
    labels : sequence of str
        Bar labels along the x axis, in order (e.g. ``2016-04``).
    series : mapping of str to sequence of float
        Values per series, aligned with ``labels``; drawn bottom-up in the mapping's order.
        Series past the palette share its last colour.
    title : str
        Accessible title of the chart.
    unit : str
        What the values count (shown in tooltips and the axis label).

    Returns
    -------
    markupsafe.Markup
    """
    n = len(labels)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    totals = [sum(float(s[i] or 0) for s in series.values()) for i in range(n)]
    top = _nice_max(max(totals, default=0.0))
    bar_w = plot_w / max(n, 1)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    parts.append(_axes(top, plot_w, plot_h, unit))
    parts.append(_bars(labels, series, top, bar_w, plot_h, unit))
    parts.append(_x_labels(labels, bar_w, plot_h))
    parts.append(_legend(list(series)))
    parts.append("</svg>")
    return Markup("".join(parts))


def _axes(top: float, plot_w: float, plot_h: float, unit: str) -> str:
    out = []
    for k in range(5):
        value = top * k / 4
        y = TOP + plot_h - plot_h * k / 4
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>'
        )
    out.append(
        f'<text class="axis" transform="translate(12 {TOP + plot_h / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(unit)}</text>'
    )
    return "".join(out)


def _bars(
    labels: Sequence[str], series: Mapping[str, Sequence[float]], top: float, bar_w: float,
    plot_h: float, unit: str,
) -> str:
    out = []
    base = [0.0] * len(labels)
    gap = 1.0 if bar_w > 4 else 0.0
    for k, (name, values) in enumerate(series.items()):
        colour = PALETTE[min(k, len(PALETTE) - 1)]
        label = escape(name)
        for i, raw in enumerate(values):
            value = float(raw or 0)
            if value <= 0:
                continue
            h = plot_h * value / top
            y = TOP + plot_h - plot_h * base[i] / top - h
            x = LEFT + i * bar_w
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - gap, 0.5):.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(labels[i])} · {label}: '
                f"{_fmt(value)} {escape(unit)}</title></rect>"
            )
            base[i] += value
    return "".join(out)


def _x_labels(labels: Sequence[str], bar_w: float, plot_h: float) -> str:
    n = len(labels)
    every = max(1, math.ceil(52 / max(bar_w, 1e-9)))  # a "YYYY-MM" label needs about 52 px
    out = []
    for i in range(0, n, every):
        x = LEFT + i * bar_w + bar_w / 2
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    return "".join(out)


def _legend(names: Sequence[str]) -> str:
    out = []
    x = WIDTH - RIGHT + 12
    for k, name in enumerate(names[:14]):
        y = TOP + 4 + k * 16
        colour = PALETTE[min(k, len(PALETTE) - 1)]
        short = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
        out.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>'
            f'<text class="legend" x="{x + 14}" y="{y + 9}"><title>{escape(name)}</title>'
            f"{escape(short)}</text>"
        )
    if len(names) > 14:
        out.append(f'<text class="legend" x="{x}" y="{TOP + 4 + 14 * 16 + 9}">'
                   f"+{len(names) - 14} more</text>")
    return "".join(out)


def heat_colour(ratio: float | None, p_value: float | None, alpha: float = 0.05) -> str:
    """Background colour of a near-repeat cell: shades of red for ratios above 1 that are
    significant at ``alpha``, pale for the rest, grey when undefined."""
    if ratio is None or p_value is None or ratio != ratio:  # NaN
        return "#eeeeee"
    if ratio == float("inf"):
        ratio = 4.0
    if p_value > alpha or ratio <= 1.0:
        return "#ffffff" if ratio <= 1.0 else "#fdf0ea"
    strength = min((ratio - 1.0) / 2.0, 1.0)  # ratio 3 and above: full colour
    red = 255
    green = round(224 - 150 * strength)
    blue = round(210 - 170 * strength)
    return f"#{red:02x}{green:02x}{blue:02x}"
