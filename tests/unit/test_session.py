"""What a notebook shows of a table: a preview of a long one, every row kept for the drafts."""

import pandas as pd
import pytest
from support import FIXTURES

from qaanalysis import session as session_module
from qaanalysis.session import TABLE_MIME, Session


@pytest.fixture
def shown(monkeypatch):
    bundles = []
    monkeypatch.setattr(
        session_module, "_display", lambda bundle, metadata=None: bundles.append(bundle)
    )
    return bundles


def rows_in_html(html: str) -> int:
    return html.split("<tbody>")[1].count("<tr")


@pytest.mark.parametrize(("rows", "previewed"), [(450, 200), (201, 200), (200, 200), (3, 3)])
def test_a_long_table_is_previewed_and_its_payload_keeps_every_row(shown, rows, previewed):
    s = Session(FIXTURES / "mini" / "la.yaml", "2025-26-Q2")
    frame = pd.DataFrame({"audit_id": [f"AU{i}" for i in range(rows)], "share": [0.5] * rows})
    s.table(frame, name="list", title="A list", percent_columns=["share"], note="Flagged rows.")
    (bundle,) = shown
    html = bundle["text/html"]
    assert rows_in_html(html) == previewed
    assert "50%" in html  # the shown rows are formatted as before
    payload = bundle[TABLE_MIME]
    assert len(payload["data"]["data"]) == rows  # tables.xlsx and the drafts get every row
    assert payload["note"] == "Flagged rows."  # the drafts say their own cut
    cut = f"The first 200 of {rows:,} rows are shown here; tables.xlsx has every row."
    assert (cut in html) == (rows > 200)
