"""A patient's timeline as an inline SVG figure, the way case-series papers print it: the index
drug as a bar over months from its start, the glucocorticoid daily dose, and disease-activity
scores on a second axis."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pipeline.report.timeline import IndexBar, Series, Timeline

DOSE_COLOURS = ("#c0392b", "#e67e22", "#8e44ad", "#7f8c8d")
SCORE_COLOURS = ("#1f5fa8", "#16a085", "#2c3e50", "#6c8ebf")
INDEX_COLOUR = "#3aa37a"
BAR_ROW_INCHES = 0.3


def _x_limits(timeline: Timeline) -> tuple[float, float]:
    xs = [p.months for s in (*timeline.glucocorticoid, *timeline.scores) for p in s.points]
    xs += [0.0] + [b.end for b in timeline.index if b.end is not None]
    low, high = min(xs), max(xs)
    pad = max(0.5, 0.05 * (high - low))
    return low - pad, high + pad


def _top(series: Sequence[Series]) -> float:
    """Room above the highest value, and a visible axis when every value is 0."""
    highest = max((p.value for s in series for p in s.points), default=0.0)
    return max(1.0, highest * 1.15)


def _draw_index(ax: Any, bars: Sequence[IndexBar], row_height: float) -> None:
    """The index drugs as bars in rows above the plot area (one axes is much cheaper than two)."""
    from matplotlib.patches import Rectangle

    on_time_axis = ax.get_xaxis_transform()  # x in months, y in fractions of the axes' height
    for row, bar in enumerate(bars):
        bottom = 1.0 + row_height * (row + 0.25)
        middle = bottom + row_height * 0.35
        if bar.end is not None and bar.end > bar.start:
            ax.add_patch(Rectangle((bar.start, bottom), bar.end - bar.start, row_height * 0.7,
                                   transform=on_time_axis, color=INDEX_COLOUR, clip_on=False))
        else:
            ax.plot([bar.start], [middle], marker=">", color=INDEX_COLOUR, markersize=9,
                    transform=on_time_axis, clip_on=False)
            ax.annotate("no later time stated", (bar.start, middle), xycoords=on_time_axis,
                        xytext=(9, 0), textcoords="offset points", fontsize=8, color="#555",
                        va="center", annotation_clip=False)
        ax.text(-0.01, middle, bar.drug, transform=ax.transAxes, ha="right", va="center")


def _draw_series(ax: Any, series: Sequence[Series], colours: Sequence[str], *, marker: str,
                 linestyle: str, suffix: str) -> list[Any]:
    handles = []
    for n, s in enumerate(series):
        xs, ys = zip(*s.xy(), strict=True)
        (line,) = ax.plot(xs, ys, marker=marker, linestyle=linestyle, color=colours[n % len(colours)],
                          label=f"{s.name}{suffix}", markersize=6, linewidth=1.6)
        handles.append(line)
    return handles


def timeline_svg(timeline: Timeline, title: str = "") -> str:
    """The figure as an ``<svg>`` element (no XML prolog), or ``""`` when nothing is timed."""
    if not timeline.has_values:
        return ""
    import matplotlib  # imported here: nothing heavy at import time
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    bars = timeline.index
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "casemine",
                                "font.size": 9, "font.family": "sans-serif"}):
        plot_height, bottom, top = 2.6, 0.95, 0.45 + BAR_ROW_INCHES * len(bars)
        height = bottom + plot_height + top
        fig = Figure(figsize=(8.0, height))
        # fixed margins: a layout engine would cost more than the rest of the figure
        main = fig.add_axes((0.14, bottom / height, 0.76, plot_height / height))
        _draw_index(main, bars, BAR_ROW_INCHES / plot_height)
        fig.text(0.14, 1 - 0.3 / height, title, fontsize=10)
        handles: list[Any] = []
        score_ax = main
        if timeline.glucocorticoid:
            handles += _draw_series(main, timeline.glucocorticoid, DOSE_COLOURS, marker="o",
                                    linestyle="-", suffix=" (mg/day)")
            main.set_ylabel("glucocorticoid, mg/day")
            main.set_ylim(0, _top(timeline.glucocorticoid))
            if timeline.scores:
                score_ax = main.twinx()
        if timeline.scores:
            handles += _draw_series(score_ax, timeline.scores, SCORE_COLOURS, marker="s",
                                    linestyle="--", suffix=" (score)")
            score_ax.set_ylabel("disease-activity score")
            score_ax.set_ylim(0, _top(timeline.scores))
            score_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if timeline.last_known_months is not None:
            main.axvline(timeline.last_known_months, color="#999", linestyle=":", linewidth=1)
        main.axvline(0, color=INDEX_COLOUR, linewidth=1)
        main.set_xlim(*_x_limits(timeline))
        main.set_xlabel("months from index treatment start")
        main.grid(axis="x", color="#eee")
        fig.legend(handles=handles, loc="lower center", ncols=min(4, len(handles)), frameon=False)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                                     "Type": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]
