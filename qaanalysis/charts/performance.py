"""Performance charts in the house style.

A KPI's Making Data Count chart is :func:`qaanalysis.charts.spc` (``charts/base.py``), drawn from
the computed chart points; :func:`message` stands in where a KPI has no monthly series. The
performance section (``sections/performance.py``) names them as ``Chart(draw="spc")`` and
``Chart(draw="message")``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt


def message(text: str, *, title: str | None = None) -> plt.Figure:
    """A small placeholder chart that says why there is nothing to draw ("no monthly data")."""
    fig, ax = plt.subplots(figsize=(8.5, 1.2))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=10)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
