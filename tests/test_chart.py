"""The /report chart is a valid PNG that is not empty (issue 15, item 5)."""

from __future__ import annotations

import io
from typing import Any

from bot.charts import ChartInput, render_chart

LABELS = {"title_scores": "Средние оценки", "title_questions": "Вопросы", "empty": "Данных нет"}


def _decode(png: bytes) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image as mpimg

    return mpimg.imread(io.BytesIO(png), format="png")


def test_chart_is_a_png_with_both_panels_drawn() -> None:
    png = render_chart(
        ChartInput(
            **LABELS,
            quarters=["2026/27-Q1", "2026/27-Q2"],
            series={"удовлетворённость": [3.5, 4.5], "знания": [None, 3.0]},
            weeks=["02.11", "09.11", "16.11"],
            questions=[0, 2, 5],
        )
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = _decode(png)
    height, width = image.shape[:2]
    assert width == 1080 and height > 1000
    # something besides the white background is drawn: coloured lines and bars
    assert image[..., :3].std() > 0.05
    assert len(png) > 20_000


def test_empty_data_still_gives_a_chart() -> None:
    png = render_chart(ChartInput(**LABELS))
    assert png.startswith(b"\x89PNG")
    assert _decode(png).shape[1] == 1080
