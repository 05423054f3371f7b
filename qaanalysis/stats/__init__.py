"""Statistics the suite uses, each implemented once with every setting explicit (METHODS.md).

Pure functions: nothing here reads files, keeps state or modifies its inputs.

- Proportions: Wilson score intervals; change between two periods by Fisher's exact (or
  Boschloo's) test with Newcombe's hybrid score interval for the difference.
- Ordinal trend over time: Kendall's tau-b.
- Funnel plots: exact binomial control limits with Spiegelhalter's interpolation.
- Moderation of ordinal grades: the full grade-by-grade table, agreement shares, weighted Cohen's
  kappa, Krippendorff's ordinal alpha and Bowker's test of symmetry.
- Making Data Count (NHS England) XmR charts: limits, the four special-cause rules, variation and
  assurance icons.

Conventions shared by every function:

- Grade scales are passed in as ``categories``, ordered best first (index 0 = best). Nothing here
  knows the names or the number of grades.
- Polarity says which way is good: ``"higher"`` (higher is better), ``"lower"`` (lower is better)
  or ``"context"`` (neither direction is good or bad in itself).
- A change is called ``"improving"`` or ``"declining"`` only when its test is significant;
  otherwise it is ``"stable"`` (reported as "broadly stable"), and ``"not_judged"`` when there are
  too few observations or the polarity gives no good direction.
"""

from .agreement import (
    BowkerResult,
    KappaResult,
    agreement_summary,
    agreement_table,
    bowker_symmetry,
    krippendorff_alpha_ordinal,
    weighted_kappa,
)
from .base import POLARITIES, Change, Direction, Polarity, judge_direction
from .proportions import (
    Comparison,
    TrendResult,
    compare_proportions,
    funnel_limits,
    funnel_position,
    newcombe_interval,
    ordinal_trend,
    wilson_interval,
)
from .spc import (
    XMR_LIMIT_FACTOR,
    XMR_MOVING_RANGE_SCREEN_FACTOR,
    XMR_TWO_SIGMA_FACTOR,
    XmrResult,
    xmr,
)

__all__ = [
    "POLARITIES",
    "XMR_LIMIT_FACTOR",
    "XMR_MOVING_RANGE_SCREEN_FACTOR",
    "XMR_TWO_SIGMA_FACTOR",
    "BowkerResult",
    "Change",
    "Comparison",
    "Direction",
    "KappaResult",
    "Polarity",
    "TrendResult",
    "XmrResult",
    "agreement_summary",
    "agreement_table",
    "bowker_symmetry",
    "compare_proportions",
    "funnel_limits",
    "funnel_position",
    "judge_direction",
    "krippendorff_alpha_ordinal",
    "newcombe_interval",
    "ordinal_trend",
    "weighted_kappa",
    "wilson_interval",
    "xmr",
]
