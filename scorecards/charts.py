"""Coordinates for the server-rendered SVG charts (no JavaScript, CSP-friendly)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Point:
    x: float
    y: float
    label: str
    value: float | None


def line_points(
    series: list[tuple[str, float | None]], *, width: int = 120, height: int = 32, pad: int = 3
) -> dict:
    """Polyline segments (gaps where there is no data) scaled to a 0–100 score axis."""
    n = len(series)
    step = (width - 2 * pad) / max(n - 1, 1)
    points, segments, current = [], [], []
    for index, (label, value) in enumerate(series):
        x = round(pad + index * step, 1)
        if value is None:
            if current:
                segments.append(current)
            current = []
            points.append(Point(x, height - pad, label, None))
            continue
        y = round(height - pad - (height - 2 * pad) * max(0.0, min(100.0, value)) / 100, 1)
        point = Point(x, y, label, value)
        points.append(point)
        current.append(point)
    if current:
        segments.append(current)
    return {
        "width": width,
        "height": height,
        "points": points,
        "segments": [" ".join(f"{p.x},{p.y}" for p in seg) for seg in segments],
        "last": next((p for p in reversed(points) if p.value is not None), None),
    }


GRID_VALUES = (0, 25, 50, 75, 100)


def trend_chart(
    series: list[tuple[str, float | None]],
    *,
    band_bounds: list[float] = (),
    width: int = 600,
    height: int = 180,
) -> dict:
    """A score trend with its axis: gridlines at 0, 25, 50, 75 and 100 framing the plot
    (every score lies between the bottom and top gridline), dashed standing-band lines,
    a label per period. Scores are clamped to 0–100 like the axis."""
    left, right, top, bottom = 30, 18, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - max(0.0, min(100.0, value)) / 100), 1)

    step = plot_w / max(len(series) - 1, 1)
    points, segments, current = [], [], []
    for index, (label, value) in enumerate(series):
        x = round(left + index * step, 1)
        if value is None:
            if current:
                segments.append(current)
            current = []
            points.append(Point(x, y_of(0), label, None))
            continue
        point = Point(x, y_of(value), label, value)
        points.append(point)
        current.append(point)
    if current:
        segments.append(current)
    return {
        "width": width,
        "height": height,
        "x0": left,
        "x1": width - right,
        "label_y": height - 6,
        "grid": [{"y": y_of(v), "label": v} for v in GRID_VALUES],
        "bands": [{"y": y_of(b), "label": int(b)} for b in band_bounds if 0 < b < 100],
        "points": points,
        "segments": [" ".join(f"{p.x},{p.y}" for p in seg) for seg in segments],
        "top": y_of(100),
        "bottom": y_of(0),
    }
