"""Freshness on each list's key date, and a stale Annex A (issue 13, part 2): small hand-made
Annex A lists, loaded as an authority would load them. A list whose records end before the period
has its stock KPIs withheld with the reason; the same list with current dates gives them as at the
period end, labelled."""

import json
from pathlib import Path

import pandas as pd
import pytest

from qaanalysis import cli
from qaanalysis.config import load_config
from qaanalysis.measures import data_quality as dq
from qaanalysis.measures import performance as perf
from qaanalysis.periods import parse_period
from qaanalysis.sections import data_quality as dq_section
from qaanalysis.sources import load_evidence

Q2 = parse_period("2026-27-Q2")  # 1 July to 30 September 2026
EXTRACT = "2026-10-02"  # a Friday, two days after the quarter ends

CP_HEADER = (
    "Child Unique ID,Date of Birth,Child Protection Plan Start Date,"
    "Date of the last statutory visit,Date of latest review conference,Team\n"
)
# Current: both plans open at 30/09/2026 and neither visited after it, so the position at the
# period end can be rebuilt. A: visited Friday 25/09: 3 working days at 30/09 (28, 29, 30): in
# time. B: visited Thursday 10/09: 14 working days (11; 14-18; 21-25; 28-30): late. 1 of 2.
CP_CURRENT = CP_HEADER + (
    "A,01/01/2015,05/01/2026,25/09/2026,,North\nB,01/01/2012,02/06/2025,10/09/2026,01/09/2026,South\n"
)
# Stale: the same children from an extract taken years earlier: nothing after 14/07/2020.
CP_STALE = CP_HEADER + (
    "A,01/01/2015,05/01/2019,20/06/2020,,North\nB,01/01/2012,02/06/2019,14/07/2020,01/06/2020,South\n"
)
# Contacts: the date of birth is the first date column; freshness is on the contact date.
CONTACTS = (
    "Child Unique ID,Date of Birth,Date of Contact\n"
    "A,01/01/2010,03/07/2026\nB,01/01/2011,29/09/2026\nC,01/01/2012,15/08/2026\n"
)


def write_config(tmp_path: Path, lists: dict[str, str], **authority) -> Path:
    files = {}
    for list_id, text in lists.items():
        (tmp_path / f"{list_id}.csv").write_text(text)
        files[list_id] = f"{list_id}.csv"
    lines = [
        "authority:",
        "  name: Testshire",
        "  slug: testshire",
        *(f"  {k}: {json.dumps(v)}" for k, v in authority.items()),
        f"extract_date: {EXTRACT}",
        "sources:",
        "  annex_a:",
        "    files:",
        *(f"      {k}: {v}" for k, v in files.items()),
    ]
    path = tmp_path / "la.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def evidence_of(tmp_path: Path, lists: dict[str, str], **authority):

    return load_evidence(load_config(write_config(tmp_path, lists, **authority)))


def test_current_list_gives_stock_kpis_as_at_the_period_end_labelled(tmp_path):
    ev = evidence_of(tmp_path, {"list_7": CP_CURRENT})
    v = perf.period_value(ev, "cp_visit_in_timescale", Q2)
    assert (v.numerator, v.denominator) == (1, 2)
    assert v.basis == "as at 30/09/2026 (the period end)"
    assert dq.stale_lists(ev, Q2) == {}


def test_stale_list_withholds_its_stock_kpis_with_the_reason(tmp_path):
    ev = evidence_of(tmp_path, {"list_7": CP_STALE})
    availability = perf.kpi_availability(ev, Q2).set_index("kpi_id")
    row = availability.loc["cp_visit_in_timescale"]
    assert row["status"] == "not computable"
    assert row["reason"].startswith(
        "withheld: Annex A List 7 (child protection plans) holds nothing dated after 14/07/2020"
    )
    assert "before 2026-27 Q2 (July to September 2026) began (01/07/2026)" in row["reason"]
    assert perf.period_value(ev, "cp_visit_in_timescale", Q2) is None
    # The review KPI of the same list is withheld too, with the same reason.
    assert availability.loc["cp_review_in_timescale", "reason"] == row["reason"]


def test_stale_list_is_a_loud_warning_in_the_data_quality_section(tmp_path):
    ev = evidence_of(tmp_path, {"list_7": CP_STALE})
    section = dq_section.build(ev, Q2, audience="internal")
    warnings = section.items["warnings"].markdown
    assert warnings.startswith("- **Out of date.** Withheld: Annex A List 7")
    table = section.items["date_ranges"].frame.set_index("source")
    row = table.loc["Annex A List 7 (Child protection plans)"]
    assert row["status"] == "ends before the period: out of date"
    assert row["latest_record"] == pd.Timestamp("2020-07-14")
    assert row["withheld"].startswith("withheld: Annex A List 7")


def test_stale_list_is_a_warning_in_validate(tmp_path, capsys):
    path = write_config(tmp_path, {"list_7": CP_STALE})
    assert cli.main(["validate", "--config", str(path)]) == 0  # a warning, not fatal
    out = capsys.readouterr().out
    assert (
        "STALE (annex_a.list_7): Annex A List 7 (Child protection plans) holds nothing dated "
        "after 14/07/2020 (last visit date), 2271 days before the extract date (02/10/2026)"
    ) in out


def test_freshness_is_measured_on_the_key_date_not_the_date_of_birth(tmp_path):
    ev = evidence_of(tmp_path, {"list_1": CONTACTS})
    table = dq.freshness(ev, Q2).set_index("source")
    row = table.loc["Annex A List 1 (Contacts)"]
    assert row["key_date"] == "Contact date"
    assert (row["earliest"], row["latest"]) == (
        pd.Timestamp("2026-07-03"),
        pd.Timestamp("2026-09-29"),
    )
    assert row["days_before_extract"] == 3  # 29/09 to 02/10
    assert row["status"] == "current"


@pytest.mark.parametrize(
    "authority, expected",
    [
        ({"la_code": "370", "region": "Yorkshire and The Humber"}, ""),
        # Barnsley (370) is in Yorkshire and The Humber, not the North East
        ({"la_code": "370", "region": "North East"}, "authority.region is 'North East' but la_code 370 is in Yorkshire and The Humber"),
        ({"la_code": "999", "region": "London"}, "authority.la_code '999' is not a DfE local-authority code"),
    ],
)  # fmt: skip
def test_a_region_that_does_not_fit_the_la_code_is_named(tmp_path, capsys, authority, expected):
    path = write_config(tmp_path, {"list_1": CONTACTS}, **authority)
    assert cli.main(["validate", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    if expected:
        assert f"REGION (authority): {expected}" in out
    else:
        assert "REGION" not in out


CLA_STARTS_ONLY = (
    "Child Unique ID,Date of Birth,Date Started to be Looked After\n"
    "G,01/01/2012,10/01/2019\nH,01/01/2014,01/06/2021\n"
)  # two children in care for years: start dates alone cannot show an old extract
REFERRALS = "Child Unique ID,Date of Birth,Date of Referral\nA,01/01/2010,{date}\n"


def test_a_list_of_start_dates_alone_is_judged_by_the_rest_of_the_annex_a(tmp_path):
    # With a referral in the quarter, the extract is current: the care list is not withheld.
    current = evidence_of(
        tmp_path, {"list_8": CLA_STARTS_ONLY, "list_3": REFERRALS.format(date="15/09/2026")}
    )
    assert current.stale_list("list_8", Q2) == ""
    # With the latest referral in 2021, the whole Annex A ends before the quarter: withheld.
    (tmp_path / "old").mkdir()
    old = evidence_of(
        tmp_path / "old", {"list_8": CLA_STARTS_ONLY, "list_3": REFERRALS.format(date="20/07/2021")}
    )
    assert old.stale_list("list_8", Q2) == (
        "withheld: Annex A List 8 (children in care) holds only start dates (the latest "
        "01/06/2021) and no list of the Annex A holds anything dated after 20/07/2021 (List 3, "
        "referral date), before 2026-27 Q2 (July to September 2026) began (01/07/2026); its "
        "records are out of date for the period, so check that the extract is the current one"
    )
    # Alone, with nothing else to judge by, the list is not withheld.
    (tmp_path / "alone").mkdir()
    alone = evidence_of(tmp_path / "alone", {"list_8": CLA_STARTS_ONLY})
    assert alone.stale_list("list_8", Q2) == ""


@pytest.mark.parametrize("current", [False, True])
def test_stale_list_leads_the_reports_own_page(tmp_path, current):
    """The report's first words about its sources warn of an out-of-date Annex A (a QA lead
    reading only the front of the report must not miss it); a current one gives no warning."""
    from qaanalysis.sections.report import sources_text

    ev = evidence_of(tmp_path, {"list_7": CP_CURRENT if current else CP_STALE})
    text = sources_text(ev, Q2).markdown
    if current:
        assert "out of date" not in text and text.startswith("This report rests on")
        return
    assert text.startswith("**Warning: the Annex A extract is out of date for this period.** ")
    assert "Annex A List 7 (child protection plans) holds nothing dated after 14/07/2020" in text
    assert text.index("Take a fresh extract") < text.index("This report rests on")
