"""Small static SVG plots for the pooled database's reports: no script, no library, the same
bytes for the same numbers."""

from __future__ import annotations

import math
from html import escape

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip


def _ticks(top: float, n: int = 4) -> list[float]:
    if top <= 0:
        return [0.0]
    step = 10 ** math.floor(math.log10(top / n))
    for m in (1, 2, 5, 10):
        if top / (step * m) <= n:
            step *= m
            break
    return [step * i for i in range(int(top / step) + 2) if step * i <= top * 1.05 + 1e-9]


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:.2e}"


def bar_chart(title: str, categories: list[str], series: dict[str, list[float]],
              width: int = 640, ylabel: str = "") -> str:  # fmt: skip
    """Grouped bars: one group per category, one bar per series."""
    height, left, bottom, top_pad = 260, 60, 60, 30
    width = max(width, left + 150 + 28 * len(categories) * max(1, len(series)))
    plot_w, plot_h = width - left - 150, height - bottom - top_pad
    top = max([v for values in series.values() for v in values] + [1])
    ticks = _ticks(top)
    top = max(ticks[-1], top)
    n_series = max(1, len(series))
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / n_series
    parts = [_svg_open(width, height, title)]
    for t in ticks:
        y = top_pad + plot_h - plot_h * t / top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{_fmt(t)}</text>"
        )
    for i, category in enumerate(categories):
        x0 = left + i * group_w + group_w * 0.1
        for j, (_, values) in enumerate(series.items()):
            v = values[i]
            h = plot_h * v / top
            parts.append(
                f'<rect x="{x0 + j * bar_w:.1f}" y="{top_pad + plot_h - h:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                f"<title>{escape(category)}: {_fmt(v)}</title></rect>"
            )
        parts.append(
            f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{top_pad + plot_h + 16}" '
            f'text-anchor="middle" font-size="11">{escape(category)}</text>'
        )
    parts.append(_axis_label(ylabel, top_pad + plot_h / 2))
    parts += _legend(list(series), left + plot_w + 12, top_pad)
    parts.append("</svg>")
    return "".join(parts)


def box_plot(title: str, groups: dict[str, list[float]], width: int = 640, ylabel: str = "",
             marker: tuple[str, float] | None = None) -> str:  # fmt: skip
    """One box (quartiles, whiskers to min/max) per group, every value as a dot; `marker` draws
    one value (group, value) as a red diamond, e.g. the patient against the cohort."""
    height, left, bottom, top_pad = 260, 60, 50, 30
    width = max(width, left + 20 + 70 * len(groups))
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    dots = 200 if len(groups) <= 20 else 0  # a box per centre of a large network, no dots
    values = [v for vs in groups.values() for v in vs] + ([marker[1]] if marker else [])
    top = max(values + [1])
    ticks = _ticks(top)
    top = max(ticks[-1], top)
    slot = plot_w / max(1, len(groups))
    parts = [_svg_open(width, height, title)]

    def y(v: float) -> float:
        return top_pad + plot_h - plot_h * v / top

    for t in ticks:
        parts.append(
            f'<line x1="{left}" y1="{y(t):.1f}" x2="{left + plot_w}" y2="{y(t):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{_fmt(t)}</text>'
        )
    for i, (name, vs) in enumerate(groups.items()):
        cx = left + (i + 0.5) * slot
        if vs:
            q1, q2, q3 = quantile(vs, 0.25), quantile(vs, 0.5), quantile(vs, 0.75)
            w = min(60, slot * 0.5)
            parts.append(
                f'<line x1="{cx:.1f}" y1="{y(min(vs)):.1f}" x2="{cx:.1f}" y2="{y(max(vs)):.1f}" '
                f'stroke="#555"/><rect x="{cx - w / 2:.1f}" y="{y(q3):.1f}" width="{w:.1f}" '
                f'height="{max(1.0, y(q1) - y(q3)):.1f}" fill="#cfe2f3" stroke="#555">'
                f"<title>{escape(name)}: n={len(vs)}, median {_fmt(round(q2, 2))}</title></rect>"
                f'<line x1="{cx - w / 2:.1f}" y1="{y(q2):.1f}" x2="{cx + w / 2:.1f}" '
                f'y2="{y(q2):.1f}" stroke="#000" stroke-width="2"/>'
            )
            for k, v in enumerate(sorted(vs)[:: max(1, len(vs) // dots)][:dots] if dots else []):
                jitter = ((k * 37) % 21 - 10) / 10 * w / 3
                parts.append(
                    f'<circle cx="{cx + jitter:.1f}" cy="{y(v):.1f}" r="2" fill="#1f77b4" '
                    'fill-opacity="0.5"/>'
                )
        if marker and marker[0] == name:
            my = y(marker[1])
            parts.append(
                f'<path d="M{cx:.1f},{my - 7:.1f} L{cx + 7:.1f},{my:.1f} L{cx:.1f},{my + 7:.1f} '
                f'L{cx - 7:.1f},{my:.1f} Z" fill="#d62728"><title>this patient: '
                f"{_fmt(round(marker[1], 2))}</title></path>"
            )
        parts.append(
            f'<text x="{cx:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle" '
            f'font-size="11">{escape(name)} (n={len(vs)})</text>'
        )
    parts.append(_axis_label(ylabel, top_pad + plot_h / 2))
    parts.append("</svg>")
    return "".join(parts)


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif">'
        f'<text x="10" y="18" font-size="13" font-weight="bold">{escape(title)}</text>'
    )


def _axis_label(label: str, mid_y: float) -> str:
    if not label:
        return ""
    return (
        f'<text x="14" y="{mid_y:.1f}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {mid_y:.1f})">{escape(label)}</text>'
    )


def _legend(names: list[str], x: int, y: int) -> list[str]:
    return [
        f'<rect x="{x}" y="{y + 16 * i}" width="10" height="10" '
        f'fill="{PALETTE[i % len(PALETTE)]}"/><text x="{x + 14}" y="{y + 9 + 16 * i}" '
        f'font-size="11">{escape(name)}</text>'
        for i, name in enumerate(names)
    ]
