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
        "y_of": lambda v: round(height - pad - (height - 2 * pad) * v / 100, 1),
    }


def band_lines(chart: dict, bounds: list[float]) -> list[dict]:
    """Horizontal reference lines for the standing bands on a trend chart."""
    y_of = chart["y_of"]
    return [{"y": y_of(b), "label": int(b)} for b in bounds if 0 < b < 100]
