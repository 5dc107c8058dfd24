"""The /report chart (issue 15, item 5): a PNG built with matplotlib's Agg backend.

`render_chart` is a pure function of plain data (the caller passes the figures and every
label, already translated), so handlers run it off the event loop:
`await loop.run_in_executor(None, render_chart, data)`. Readable on a phone: 1080 px wide,
large fonts, two panels one above the other.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

WIDTH_PX = 1080
DPI = 120
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")


@dataclass
class ChartInput:
    """Everything the chart shows; `series` maps a characteristic's label to one value
    (or None) per quarter; `weeks` label the question bars («07.09»: the week's Monday)."""

    title_scores: str
    title_questions: str
    empty: str  # said when there is nothing to draw yet
    quarters: list[str] = field(default_factory=list)
    series: dict[str, list[float | None]] = field(default_factory=dict)
    weeks: list[str] = field(default_factory=list)
    questions: list[int] = field(default_factory=list)


def render_chart(data: ChartInput) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, 1350 / DPI), dpi=DPI)
    top, bottom = figure.subplots(2, 1)
    has_scores = any(v is not None for values in data.series.values() for v in values)
    has_questions = any(data.questions)

    top.set_title(data.title_scores, fontsize=18)
    if has_scores:
        positions = list(range(len(data.quarters)))
        for (label, values), color in zip(data.series.items(), COLORS, strict=False):
            points = [(x, v) for x, v in zip(positions, values, strict=False) if v is not None]
            if points:
                xs, ys = zip(*points, strict=True)
                top.plot(xs, ys, marker="o", linewidth=3, markersize=9, color=color, label=label)
        top.set_xticks(positions, data.quarters, fontsize=13)
        top.set_xlim(-0.5, max(len(positions) - 0.5, 0.5))
        top.legend(fontsize=13, loc="lower left")
    else:
        top.text(
            0.5, 0.5, data.empty, ha="center", va="center", fontsize=16, transform=top.transAxes
        )
        top.set_xticks([])
    top.set_ylim(1, 5.2)
    top.set_yticks([1, 2, 3, 4, 5])
    top.tick_params(axis="y", labelsize=14)
    top.grid(axis="y", alpha=0.3)

    bottom.set_title(data.title_questions, fontsize=18)
    if has_questions:
        positions = list(range(len(data.weeks)))
        bottom.bar(positions, data.questions, color="#1f77b4")
        step = max(1, -(-len(positions) // 8))  # at most 8 labels
        bottom.set_xticks(positions[::step], data.weeks[::step], fontsize=13)
        bottom.tick_params(axis="y", labelsize=14)
        bottom.grid(axis="y", alpha=0.3)
    else:
        bottom.text(
            0.5, 0.5, data.empty, ha="center", va="center", fontsize=16, transform=bottom.transAxes
        )
        bottom.set_xticks([])
        bottom.set_yticks([])
    figure.tight_layout(pad=1.5)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
