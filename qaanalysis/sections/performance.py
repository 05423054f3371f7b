"""The performance section: Annex A and scorecard KPIs, SPC charts, teams and benchmarks, once.

Every item of ``notebooks/20_performance.ipynb``, in its order. The period's ``kpi.<id>`` Figures,
every KPI's Making Data Count chart and the benchmarks table are each computed once, and the
scorecard, the SPC summary, the readings and the signals are all read from them.
"""

from __future__ import annotations

import pandas as pd

from ..config import Config, Kpi
from ..findings import Chart, FigureSet, Item, Section, Table, Text
from ..measures import performance as perf
from ..narrative import performance as words
from ..periods import Period
from ..sources import Evidence

# The KPIs whose Making Data Count charts the notebook shows, in its order: item key -> KPI id.
SPC_CHARTS = {
    "assessments": "assessments_within_45wd",
    "icpc": "s47_icpc_within_15wd",
    "rereferrals": "referrals_rereferral_12m",
    "supervision": "supervision_in_timescale",
}
# Team exception lists: the records behind a KPI that miss its standard, by team, for team
# managers to follow up at the clinic (internal pack only): item key -> (KPI id, title).
EXCEPTION_LISTS = {
    "cp_visits_overdue": (
        "cp_visit_in_timescale",
        "Children on a protection plan not visited within the standard",
    ),
    "cp_reviews_overdue": (
        "cp_review_in_timescale",
        "Child protection plans not reviewed within timescale",
    ),
    "cla_reviews_overdue": (
        "cla_review_in_timescale",
        "Children in care whose review is overdue",
    ),
}
CLINIC_NOTE = "By team, for the clinic: the Commentary column is for the team manager's update."


def for_clinic(frame: pd.DataFrame) -> pd.DataFrame:
    """An exception list as a clinic works through it: by team, with an empty Commentary column."""
    out = frame.copy()
    if "team" in out.columns:
        out = out.sort_values("team", kind="stable").reset_index(drop=True)
    out["commentary"] = ""
    return out


PERCENT = ("percent",)
OTHER_UNITS = ("number", "count", "days", "rate")
BENCHMARK_NOTE = "Source: Department for Education, published statistics."
# The scorecard's columns the report's body shows (the whole scorecard is in the appendix).
SUMMARY_COLUMNS = ("label", "value", "numerator", "denominator", "target", "change", "england")


def build(evidence: Evidence, period: Period, *, audience: str) -> Section:
    """Compute the performance section for ``period`` (see the module docstring).

    ``audience`` only shapes the trend reading (no monthly counts for the public); no measure
    depends on it (the Session withholds the child-level table and small counts when shown).
    """
    config: Config = evidence.config
    figures = perf.kpi_figures(evidence, period)
    spc = perf.spc_results(evidence, period)
    bench = perf.benchmarks(evidence)
    trends = perf.kpi_trend_figures(evidence, period)
    trend_of = {t.id.removeprefix("kpi_trend."): t for t in trends}
    computed = {"figures": figures, "spc": spc, "bench": bench}
    items: dict[str, Item] = {}

    items["kpi_availability"] = Table(
        "kpi_availability",
        "Annex A KPIs: computed or not, and why",
        perf.kpi_availability(evidence, period),
        count_columns=("records", "excluded"),
        detail=True,
    )
    scorecard = perf.scorecard(evidence, period, units=PERCENT, **computed)
    items["scorecard_summary"] = Table(
        "scorecard_summary",
        "Performance at a glance (percentages)",
        scorecard[[c for c in SUMMARY_COLUMNS if c in scorecard.columns]],
        count_columns=("numerator", "denominator"),
        percent_columns=("value", "target", "england"),
        percent_of={"value": "numerator"},
    )
    items["scorecard"] = Table(
        "scorecard",
        "Performance scorecard (percentages)",
        scorecard,
        count_columns=("numerator", "denominator"),
        percent_columns=(
            "value",
            "target",
            "previous_value",
            "england",
            "region",
            "statistical_neighbours",
        ),
        percent_of={"value": "numerator"},
        detail=True,
    )
    items["scorecard_numbers"] = Table(
        "scorecard_numbers",
        "Performance scorecard (other measures)",
        perf.scorecard(evidence, period, units=OTHER_UNITS, **computed),
    )
    items["kpi_figures"] = FigureSet(
        "kpi_figures", "KPI figures for the period", tuple(figures), detail=True
    )

    for key, kpi_id in SPC_CHARTS.items():
        kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
        reading = words.spc_reading(
            spc.get(kpi_id), kpi=kpi, config=config, trend=trend_of.get(kpi_id)
        )
        items[f"spc_{key}_chart"] = _spc_chart(kpi_id, kpi, spc.get(kpi_id), alt=reading)
        items[f"spc_{key}_reading"] = Text(f"spc_{key}_reading", reading)
    items["spc_summary"] = Table(
        "spc_summary",
        "Making Data Count reading of every KPI with a monthly series",
        perf.spc_summary(evidence, period, results=spc),
        detail=True,
    )
    items["kpi_trends_reading"] = Text(
        "kpi_trends_reading",
        words.trends_reading(
            trends, config=config, audience=audience, read_above=set(SPC_CHARTS.values())
        ),
    )

    items["kpi_teams"] = Table(
        "kpi_teams",
        "KPIs by team",
        perf.team_breakdown(evidence, period),
        count_columns=("numerator", "denominator"),
        percent_columns=("value", "ci_low", "ci_high", "authority_value"),
        percent_of={"value": "numerator"},
        detail=True,
    )
    for key, (kpi_id, title) in EXCEPTION_LISTS.items():
        items[key] = Table(
            key,
            title,
            for_clinic(perf.exceptions(evidence, period, kpi_id)),
            child_level=True,
            detail=True,
            note=CLINIC_NOTE,
        )

    items["benchmarks"] = Table(
        "benchmarks",
        "Benchmarks (percentages)",
        perf.of_units(bench, config=config, units=PERCENT),
        percent_columns=("authority", "england", "region", "statistical_neighbours"),
        note=BENCHMARK_NOTE,
        detail=True,
    )
    items["benchmarks_numbers"] = Table(
        "benchmarks_numbers",
        "Benchmarks (other measures)",
        perf.of_units(bench, config=config, units=OTHER_UNITS),
        note=BENCHMARK_NOTE,
        detail=True,
    )

    signals = perf.signals(
        figures, evidence=evidence, period=period, spc=spc, bench=bench, trends=trends
    )
    items["signals"] = Table(
        "performance_signals",
        "Performance signals by theme",
        perf.signals_table(signals),
        detail=True,
    )
    items["kpi_definitions"] = Table(
        "kpi_definitions", "How each KPI is defined", perf.kpi_definitions(config), detail=True
    )
    return Section("performance", items, (*figures, *trends), tuple(signals))


def _spc_chart(kpi_id: str, kpi: Kpi, result: perf.SpcResult | None, *, alt: str) -> Chart:
    """The Making Data Count chart of a KPI with its icons, or a note that there is no series.

    The alternative text is the chart's reading.
    """
    name = f"spc_{kpi_id}"[:31]
    if result is None:
        text = words.no_chart_text(kpi)
        return Chart(name, "message", {"text": text}, alt=text + ".")
    title = kpi.label + (" (run chart)" if result.is_run_chart else "")
    return Chart(
        name,
        "spc",
        {
            "points": result.points,
            "title": title,
            "percent": kpi.unit == "percent",
            "target": perf.target_value(kpi),
            "variation": result.variation,
            "assurance": result.assurance,
        },
        alt=alt,
    )
