"""Performance charts not (yet) in :mod:`qaanalysis.charts`, in the same house style.

To be folded into ``charts.py``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from . import base as charts


def message(text: str, *, title: str | None = None) -> plt.Figure:
    """A small placeholder chart that says why there is nothing to draw ("no monthly data")."""
    fig, ax = plt.subplots(figsize=(8.5, 1.2))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=10)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
