"""Benchmarks: England, region and statistical-neighbour values for each KPI.

From the canonical ``benchmarks`` source, or derived from Department for Education published
statistics named in ``la.yaml`` (``published``), or, for a KPI neither gives, England's latest
published value shipped with the package (``england.yaml``: year-stamped, with its source file and
the Open Government Licence v3.0).
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ... import stats
from ...config import Config, Kpi
from ...sources import Evidence

SUPPRESSION_REASONS = {
    "c": "confidential: 1 to 5, suppressed",
    "x": "not available",
    "z": "not applicable",
    "k": "rounds to zero",
    "u": "low reliability",
    "low": "rounds to zero but is not zero",
    ":": "not available",
}

ENGLAND_FILE = Path(__file__).with_name("england.yaml")

BENCHMARK_COLUMNS = [
    "kpi_id",
    "label",
    "year",
    "authority",
    "england",
    "region",
    "region_name",
    "statistical_neighbours",
    "sn_available",
    "vs_england",
    "vs_region",
    "vs_statistical_neighbours",
    "source",
    "notes",
]


def _position(value, comparator, polarity: str) -> str:
    if value is None or comparator is None or pd.isna(value) or pd.isna(comparator):
        return "not available"
    if polarity == "context":
        return "not judged (context)"
    if math.isclose(float(value), float(comparator), abs_tol=1e-9):
        return "same"
    better = value > comparator if polarity == "higher" else value < comparator
    return "better" if better else "worse"


def _published(evidence: Evidence, file: str) -> pd.DataFrame:
    table = getattr(evidence, "published", {}).get(file)
    if table is None:
        raise FileNotFoundError(
            f"{evidence.config.path(file)}: published statistics file not found"
        )
    return table


def read_published_value(text: str, scale: float) -> tuple[float | None, str]:
    """A published cell as a number (scaled) or missing with the reason its symbol gives.

    Example:
        >>> read_published_value("c", 0.01)
        (None, 'confidential: 1 to 5, suppressed')
    """
    text = (text or "").strip()
    if text.lower() in SUPPRESSION_REASONS:
        return None, SUPPRESSION_REASONS[text.lower()]
    if text == "":
        return None, "blank"
    try:
        return float(text.replace(",", "")) * scale, ""
    except ValueError:
        return None, f"not a number ({text!r})"


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", str(text).lower()).strip()


def _statistical_neighbours(evidence: Evidence, la_code: str) -> tuple[list[str], str]:
    config = evidence.config
    if not config.published.sn_model:
        return [], "no statistical-neighbour model configured (published.sn_model)"
    try:
        model = _published(evidence, config.published.sn_model)
    except FileNotFoundError as exc:
        return [], str(exc)
    row = model[model["old_la_code"] == la_code]
    if not len(row):
        return [], f"la_code {la_code} not found in the statistical-neighbour model"
    columns = [c for c in model.columns if re.fullmatch(r"SN_?\d+", c)]
    codes = [row.iloc[0][c] for c in columns if row.iloc[0][c]]
    return codes, ""


def _single_value(
    frame: pd.DataFrame, what: str, *, year: str, measure, notes: list[str]
) -> float | None:
    """The one published value a comparator's rows give, or None with the reason in ``notes``."""
    if len(frame) == 0:
        notes.append(f"{what}: no row for {year}")
        return None
    if len(frame) > 1:
        notes.append(f"{what}: the filters match {len(frame)} rows; add filters to pick one")
        return None
    value, why = read_published_value(frame[measure.value_column].iloc[0], measure.scale)
    if why:
        notes.append(f"{what}: {why}")
    return value


def _published_benchmarks(evidence: Evidence, kpi_ids: list[str]) -> list[dict]:
    config = evidence.config
    la_code = config.authority.la_code
    rows = []
    if not config.published.measures:
        return rows
    sns, sn_note = _statistical_neighbours(evidence, la_code) if la_code else ([], "")
    for kpi_id in kpi_ids:
        measure = config.published.measures.get(kpi_id)
        if measure is None:
            continue
        kpi = config.kpis.get(kpi_id, Kpi(label=kpi_id))
        notes = [sn_note] if sn_note else []
        if not la_code:
            notes.append("authority.la_code not set: no authority, region or neighbour values")
        try:
            data = _published(evidence, measure.file)
        except FileNotFoundError as exc:
            rows.append({"kpi_id": kpi_id, "label": kpi.label, "notes": str(exc)})
            continue
        missing = [
            c
            for c in ("time_period", "geographic_level", measure.value_column, *measure.filters)
            if c not in data.columns
        ]
        if missing:
            rows.append(
                {
                    "kpi_id": kpi_id,
                    "label": kpi.label,
                    "notes": f"{Path(measure.file).name}: column(s) {missing} not found",
                }
            )
            continue
        for column, wanted in measure.filters.items():
            data = data[data[column].map(_norm) == _norm(wanted)]
        level = data["geographic_level"].map(_norm)
        code_column = (
            "new_la_code" if la_code and la_code.upper().startswith("E") else "old_la_code"
        )
        la_rows = data[(level == "local authority") & (data.get(code_column, "") == la_code)]
        england_rows = data[level == "national"]
        years = sorted(
            set(england_rows["time_period"]), key=lambda y: int(re.sub(r"\D", "", y) or 0)
        )
        year = None
        for candidate in reversed(years):
            value, _ = read_published_value(
                england_rows.loc[
                    england_rows["time_period"] == candidate, measure.value_column
                ].iloc[0],
                measure.scale,
            )
            if value is not None:
                year = candidate
                break
        if year is None:
            rows.append(
                {
                    "kpi_id": kpi_id,
                    "label": kpi.label,
                    "notes": f"{Path(measure.file).name}: no England value in any year",
                }
            )
            continue
        in_year = data[data["time_period"] == year]
        level_y = in_year["geographic_level"].map(_norm)

        def one(frame: pd.DataFrame, what: str, _y=year, _m=measure, _n=notes) -> float | None:
            return _single_value(frame, what, year=_y, measure=_m, notes=_n)

        england = one(in_year[level_y == "national"], "England")
        la_year = la_rows[la_rows["time_period"] == year]
        authority = one(la_year, "authority") if la_code else None
        region_name = config.authority.region or (
            la_year["region_name"].iloc[0] if len(la_year) and "region_name" in la_year else None
        )
        region = None
        if region_name:
            regional = in_year[
                (level_y == "regional") & (in_year["region_name"].map(_norm) == _norm(region_name))
            ]
            region = one(regional, f"region ({region_name})")
        sn_values = []
        for code in sns:
            sn_row = in_year[(level_y == "local authority") & (in_year["old_la_code"] == code)]
            if len(sn_row) == 1:
                value, _ = read_published_value(sn_row[measure.value_column].iloc[0], measure.scale)
                if value is not None:
                    sn_values.append(value)
        sn_mean = float(np.mean(sn_values)) if sn_values else None
        if sns and len(sn_values) < len(sns):
            notes.append(
                f"statistical neighbours: {len(sn_values)} of {len(sns)} have a value "
                "(others suppressed or missing)"
            )
        rows.append(
            {
                "kpi_id": kpi_id,
                "label": kpi.label,
                "year": int(re.sub(r"\D", "", year)[:4]),
                "authority": authority,
                "england": england,
                "region": region,
                "region_name": region_name,
                "statistical_neighbours": sn_mean,
                "sn_available": len(sn_values),
                "source": f"Department for Education, {Path(measure.file).name}",
                "notes": "; ".join(dict.fromkeys(n for n in notes if n)),
            }
        )
    return rows


@functools.cache
def national_values() -> dict[str, dict]:
    """England's latest published value of each KPI that has one, as shipped with the package.

    Read from ``england.yaml`` beside this module (Department for Education, Open Government
    Licence v3.0): KPI id -> ``value`` (a fraction for percent KPIs), ``published`` (as printed),
    ``year`` (the ``time_period``: 2025 is the year ending 31 March 2025), ``file``, ``column``,
    ``filters`` and ``publication``. Treat the result as read-only.
    """
    with ENGLAND_FILE.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle)["values"])


def _shipped_benchmarks(evidence: Evidence, kpi_ids: list[str]) -> list[dict]:
    """England-only rows from :func:`national_values` for ``kpi_ids`` that have a shipped value."""
    rows = []
    shipped = national_values()
    for kpi_id in kpi_ids:
        entry = shipped.get(kpi_id)
        if entry is None:
            continue
        kpi = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id))
        rows.append(
            {
                "kpi_id": kpi_id,
                "label": kpi.label,
                "year": int(entry["year"]),
                "authority": None,
                "england": float(entry["value"]),
                "region": None,
                "region_name": evidence.config.authority.region,
                "statistical_neighbours": None,
                "sn_available": None,
                "source": f"Department for Education, {entry['file']} (shipped with the package)",
                "notes": "England only: no published files configured for this KPI "
                "(published.measures); Open Government Licence v3.0",
            }
        )
    return rows


def _canonical_benchmarks(evidence: Evidence, kpi_ids: list[str]) -> list[dict]:
    frame = evidence.frames.get("benchmarks")
    rows = []
    if frame is None or not len(frame):
        return rows
    for kpi_id in kpi_ids:
        part = frame[frame["kpi_id"] == kpi_id]
        if not len(part):
            continue
        kpi = evidence.config.kpis.get(kpi_id, Kpi(label=kpi_id))
        year = int(part["year"].max())
        latest = part[part["year"] == year].groupby("comparator")["value"].last().astype(float)
        notes = []
        if kpi.unit == "percent" and (latest > 1).any():
            latest = latest.where(latest <= 1, latest / 100)
            notes.append("benchmark values above 1 read as percentages and divided by 100")
        rows.append(
            {
                "kpi_id": kpi_id,
                "label": kpi.label,
                "year": year,
                "authority": None,
                "england": latest.get("england"),
                "region": latest.get("region"),
                "region_name": evidence.config.authority.region,
                "statistical_neighbours": latest.get("statistical_neighbours"),
                "sn_available": None,
                "source": "benchmarks source",
                "notes": "; ".join(notes),
            }
        )
    return rows


@stats.discovery.reusable
def benchmarks(
    evidence: Evidence, *, kpi_ids: list[str] | None = None, units: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """England, region and statistical-neighbour values for each KPI, latest comparable year.

    From the canonical ``benchmarks`` source where it has the KPI, otherwise derived from the
    Department for Education published CSVs named in ``la.yaml`` (``published.measures``) for the
    authority's ``la_code``: the latest year with an England value; the region is
    ``authority.region`` or the region of the authority's own row; the statistical-neighbour value
    is the mean of the neighbours (DfE model) that have a value, ``sn_available`` saying how many.
    Published suppression symbols (c, x, z, k, u, low, :) are missing values with their reason in
    ``notes``, never zero. ``vs_*`` compare the authority's own published value for the same year
    with each comparator, given the KPI's polarity. A KPI that neither source gives (or whose
    configured file could not be read) has England's shipped value (:func:`national_values`), its
    year and source stated, and no region or neighbour value.

    Args:
        kpi_ids: the KPIs to look up (default every catalogued KPI).
        units: keep only KPIs of these units.

    Returns:
        One row per KPI with a benchmark (columns :data:`BENCHMARK_COLUMNS`); values are fractions
        for percent KPIs.
    """
    config = evidence.config
    kpi_ids = list(kpi_ids if kpi_ids is not None else config.kpis)
    if units is not None:
        kpi_ids = [k for k in kpi_ids if config.kpis.get(k, Kpi(label=k)).unit in units]
    rows = _canonical_benchmarks(evidence, kpi_ids)
    have = {r["kpi_id"] for r in rows}
    rows += _published_benchmarks(evidence, [k for k in kpi_ids if k not in have])
    have = {r["kpi_id"] for r in rows if r.get("year") is not None}
    shipped = _shipped_benchmarks(evidence, [k for k in kpi_ids if k not in have])
    replaced = {r["kpi_id"]: r for r in shipped}
    for i, row in enumerate(rows):  # a configured file that could not be read: England shipped
        if row["kpi_id"] in replaced:
            new = replaced.pop(row["kpi_id"])
            rows[i] = {**new, "notes": f"{row['notes']}; {new['notes']}"}
    rows += list(replaced.values())
    table = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    for comparator in ("england", "region", "statistical_neighbours"):
        table[f"vs_{comparator}"] = [
            _position(a, c, config.kpis.get(k, Kpi(label=k)).polarity)
            for k, a, c in zip(table["kpi_id"], table["authority"], table[comparator], strict=True)
        ]
    return table.reset_index(drop=True)


def of_units(table: pd.DataFrame, *, config: Config, units: tuple[str, ...]) -> pd.DataFrame:
    """The rows of a :func:`benchmarks` table whose KPIs are of ``units`` (same order)."""
    unit = table["kpi_id"].map(lambda k: config.kpis.get(k, Kpi(label=k)).unit)
    return table[unit.isin(units)].reset_index(drop=True)


def _benchmark_position(value: float | None, row: pd.Series | None, kpi: Kpi) -> str:
    """Where a current value sits against the benchmark row: "better than England and SN (2025)"."""
    if row is None or value is None:
        return ""
    parts = []
    for column, name in (
        ("england", "England"),
        ("region", "region"),
        ("statistical_neighbours", "statistical neighbours"),
    ):
        position = _position(value, row[column], kpi.polarity)
        if position in ("better", "worse", "same"):
            parts.append(f"{position} than {name}" if position != "same" else f"same as {name}")
    return f"{'; '.join(parts)} ({int(row['year'])})" if parts else ""
