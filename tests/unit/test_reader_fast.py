"""The reader's fast paths agree with its careful ones, cell by cell, on awkward cells.

The fast paths: untidy cells found from the Arrow buffers (one search of a column's bytes, spaces
at either end read at the cells' offsets); each column's distinct values coerced once and spread
back over the rows. The careful paths: a regular expression per cell; each cell tidied or coerced
on its own.
"""

import csv
import io

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from support import make_config

from qaanalysis.config import Reading
from qaanalysis.sources.rawfile import (
    _UNTIDY,
    _tidy,
    _tidy_text,
    _untidy_cells,
    read_raw,
    read_text,
)
from qaanalysis.sources.reader import _coerce, _coerce_values, coerce_column
from qaanalysis.sources.schema import Column

AWKWARD = [
    "plain",
    " leading",
    "trailing ",
    " both ",
    "two  spaces",
    "three   spaces",
    "nbsp\u00a0inside",
    "\u00a0",
    "tab\tinside",
    "line\nbreak",
    "carriage\rreturn",
    "crlf\r\nend",
    "",
    " ",
    "  ",
    "one space",
    "é accented",
    "accented é",
    " é",
    "à",  # UTF-8 c3 a0: holds the byte a0 without being a non-breaking space
    "ends in à ",
    "x" * 40,
    "-",
    "N/A",
]


def arrow_of(cells: list[str]) -> pa.ChunkedArray:
    return pa.chunked_array(pd.Series(cells, dtype="str").array.__arrow_array__())


def regex_untidy(arrow: pa.ChunkedArray) -> list[bool]:
    return pc.match_substring_regex(arrow, _UNTIDY).to_numpy(zero_copy_only=False).tolist()


def changed_by_tidy(cells: list[str]) -> list[bool]:
    return [_tidy(c) != c for c in cells]


@pytest.mark.parametrize(
    "cells",
    [
        AWKWARD,
        [c for c in AWKWARD if not any(x in c for x in ("  ", "\u00a0", "\t", "\n", "\r"))],
        ["A1", "A2", "", "B 3", " C4", "D5 "],  # spaces, none running: the offsets decide
        ["A1", "A2", "A3"],  # no space at all
        ["a ", " b"],  # two spaces meet across cells: the expression decides, and finds them
    ],
)
def test_untidy_cells_from_buffers_agree_with_the_expression_and_with_tidying(cells):
    arrow = arrow_of(cells)
    needs, longest = _untidy_cells(arrow)
    assert needs.tolist() == regex_untidy(arrow) == changed_by_tidy(cells)
    assert longest == max(len(c.encode()) for c in cells)


def test_untidy_cells_of_sliced_and_chunked_arrays():
    cells = ["x", " a", "b ", "c", "d  e", "f", "", "g "]
    whole = arrow_of(cells)
    sliced = whole.slice(1, 5)  # an offset into the buffers
    assert _untidy_cells(sliced)[0].tolist() == changed_by_tidy(cells[1:6])
    chunked = pa.chunked_array(
        [pa.array(cells[:3], pa.large_string()), pa.array(cells[3:], pa.large_string())]
    )
    assert _untidy_cells(chunked)[0].tolist() == changed_by_tidy(cells)
    small = pa.chunked_array([pa.array(cells, pa.string())])  # 32-bit offsets: the expression
    assert _untidy_cells(small)[0].tolist() == changed_by_tidy(cells)
    assert _untidy_cells(arrow_of([]))[0].tolist() == []


def test_tidy_text_equals_tidying_every_cell():
    column = pd.Series(AWKWARD, dtype="str")
    tidied, long = _tidy_text(column, limit=30)
    expected = [_tidy(c) for c in AWKWARD]
    expected = [c if len(c) <= 30 else c[:30] + "\u2026" for c in expected]
    assert tidied.tolist() == expected
    assert str(tidied.dtype) == "str"
    assert long.tolist() == [len(_tidy(c)) > 30 for c in AWKWARD]
    # Other whitespace (an em space) is kept as written, as it always was for CSV text, unless
    # the cell is tidied for another reason (here a leading space).
    kept, _ = _tidy_text(pd.Series(["a\u2003b", " a\u2003b"], dtype="str"), limit=30)
    assert kept.tolist() == ["a\u2003b", "a b"]


def test_a_long_cell_by_bytes_but_not_by_characters_is_not_cut():
    column = pd.Series(["é" * 20, "e" * 21], dtype="str")  # 40 bytes; 21 characters
    tidied, long = _tidy_text(column, limit=20)
    assert tidied.tolist() == ["é" * 20, "e" * 20 + "\u2026"]
    assert long.tolist() == [False, True]


DATES = [
    "2025-04-01",
    "01/04/2025",
    "1/4/2025",
    "01-04-2025",
    "01.04.2025",
    "1 Apr 2025",
    "01 April 2025",
    "01/04/25",
    "01-Apr-2025",
    "01-Apr-25",
    "2025-04-01 13:45",
    "2025-04-01T13:45:10",
    "01/04/2025 09:00:00.5",
    "31/02/2025",  # no such day
    "03/31/2025",  # month-first: never guessed
    "45748",  # an Excel serial date
    "45748.5",
    "2025-13-01",
    "01/10/2025",  # after the extract date
    "31/12/1899",  # too early
    "01/01/9999",
    "not a date",
    "",
    "-",
    "N/A",
    "null",
    "2025-04",
    "2025-04-01",  # repeated: the distinct values are read once
    "01/04/2025",
]
NUMBERS = [
    "12",
    "+12",
    "-12",
    "12.5",
    "-0.25",
    ".5",
    "1,234",
    "-12,345.67",
    "1,234,567",
    "17,5",
    "0,85",
    "1,23,456",
    "50%",
    "1e3",
    "12 ",
    "twelve",
    "",
    "n/a",
    "-1",
    "26",
    "3.0",
    "12",
]


def test_coercing_distinct_values_agrees_with_coercing_every_cell():
    config = make_config()
    source, grades = config.sources["audits"], config.grades
    reading = Reading(
        earliest_date="1990-01-01",
        earliest_birth_date="1900-01-01",
        birth_weeks_after_extract=40,
        latest_years_after_extract=10,
        max_cell_chars=2000,
    )
    cases = [
        (Column("d", "date"), DATES, False),
        (Column("d", "date"), DATES, True),  # from a spreadsheet: serial numbers are dates
        (Column("d", "date", not_after_extract=False, birth_date=True), DATES, False),
        (Column("m", "month"), DATES, False),
        (Column("n", "number", bounds=(-1, 25)), NUMBERS, False),
        (Column("n", "number"), NUMBERS, False),
        (Column("i", "integer", bounds=(0, None)), NUMBERS, False),
        (
            Column("y", "yesno"),
            ["Yes", "y", "NO", "n", "1", "0", "maybe", "", "a) Yes", "yes"],
            False,
        ),
        (Column("g", "grade"), ["Good", "good ", "RI", "Gd", "", "Outstanding", "Good"], False),
        (
            Column("c", "category", vocab=("male", "female"), value_synonyms={"m": "male"}),
            ["Male", "m", "F", "female", "", "x", "Male"],
            False,
        ),
        (Column("k", "code"), ["6: Police", "a) WBRI", "WBRI", "", "-", "6: Police"], False),
        (Column("t", "year"), ["2025", "2024-25", "2024/2025", "25", "", "x", "2025"], False),
        (Column("t", "text"), AWKWARD, False),
        (Column("r", "id"), ["A1", "A2", "", "A1", "none"], False),
    ]
    extract = pd.Timestamp("2025-09-30")
    for column, cells, serials in cases:
        raw = pd.Series(cells, dtype="str", index=pd.RangeIndex(2, 2 + len(cells), name="row"))
        options = dict(grades=grades, extract_date=extract, reading=reading, excel_serials=serials)
        careful_values, careful_reason = _coerce_values(raw, column, source, **options)
        values, bad, _, _ = _coerce(raw, column, source, **options)
        fast_values, fast_reason = coerce_column(raw, column, source, **options)
        where = f"{column.kind} {column.name} serials={serials}"
        pd.testing.assert_series_equal(fast_values, careful_values, check_names=False, obj=where)
        pd.testing.assert_series_equal(values, careful_values, check_names=False, obj=where)
        assert fast_reason.tolist() == careful_reason.tolist(), where
        assert bad.tolist() == (careful_reason != "").tolist(), where
        assert fast_values.index.equals(raw.index)


def test_dates_read_once_per_distinct_value_are_right():
    # Independently worked: every accepted format of 1 April 2025, and the rejected ones.
    config = make_config()
    values, reason = coerce_column(
        pd.Series(DATES[:13] + ["31/02/2025", "03/31/2025", ""], dtype="str"),
        Column("d", "date"),
        config.sources["audits"],
        grades=config.grades,
        extract_date=pd.Timestamp("2025-09-30"),
    )
    assert values.iloc[:13].tolist() == [pd.Timestamp("2025-04-01")] * 13
    assert values.iloc[13:].isna().all()
    assert reason.tolist()[13:] == [
        "not a valid date (no such day)",
        "not a valid date: looks month-first; dates must be day-first (31/03/2025) or ISO",
        "",
    ]


def test_a_csv_with_bom_crlf_and_quoted_line_breaks_reads_as_tidy_cells(tmp_path):
    rows = [
        ["Ref", "Date", "Note", "Value"],
        ["A1", "01/04/2025", " padded ", "1,234"],
        ["A2", "2025-04-01", "line\r\nbreak", "-12.5"],
        ["A3", "", 'say "hi"  there', ""],
        ["", "", "", ""],
        ["A5", "1 Apr 2025", "non\u00a0breaking", "+3"],
    ]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))

    frame, header_row = read_text(path, expected=["Ref"])
    assert header_row == 1
    assert list(frame.columns) == rows[0]
    assert all(str(d) == "str" for d in frame.dtypes)
    assert frame.values.tolist() == [[_tidy(c) for c in r] for r in rows[1:]]

    as_objects, _ = read_raw(path, expected=["Ref"])
    assert all(str(d) == "object" for d in as_objects.dtypes)
    assert as_objects.values.tolist() == frame.values.tolist()
    assert as_objects.attrs["header"] == rows[0]


def test_exact_dates_read_digit_by_digit_agree_with_the_formats():
    from qaanalysis.sources.reader import _exact_dates, _parse_dates_by_format, parse_dates

    texts = [
        "2025-04-01",
        "01/04/2025",
        "29/02/2024",  # a leap day
        "29/02/2025",  # no such day
        "29/02/1900",  # 1900 was no leap year
        "29/02/2000",  # 2000 was
        "2024-02-29",
        "2025-02-29",
        "31/04/2025",
        "31/12/2025",
        "00/01/2025",
        "01/00/2025",
        "01/13/2025",  # month-first
        "2025-13-01",
        "01/01/1677",  # before the years pandas holds to the nanosecond: the formats decide
        "01/01/1678",
        "31/12/2261",
        "01/01/2262",
        "1677-09-22",
        "2262-04-11",
        "9999-12-31",
        "0001-01-01",
        "1/4/2025",
        "01/04/2025 ",
        "01/04/2025 10:30",
        "٠١/٠٤/٢٠٢٥",  # Arabic-Indic digits: never the digit-by-digit path
        "",
        "x",
    ]
    exact, _ = _exact_dates(pd.Series(texts, dtype=object))
    assert exact.tolist() == [
        t in ("2025-04-01", "01/04/2025", "29/02/2024", "29/02/2000", "2024-02-29")
        or t in ("31/12/2025", "01/01/1678", "31/12/2261")
        for t in texts
    ]
    fast = parse_dates(pd.Series(texts, dtype="str"))
    careful = _parse_dates_by_format(pd.Series(texts, dtype=object))
    assert fast.tolist() == careful.tolist()
    assert fast.iloc[:3].tolist() == [
        pd.Timestamp("2025-04-01"),
        pd.Timestamp("2025-04-01"),
        pd.Timestamp("2024-02-29"),
    ]
    # Each text read alone by the formats, too. (Dates of 1677 and 2262 that pandas can hold are
    # dates when read alone but not beside a year it cannot, as here: the careful path has always
    # read them so, and the digit-by-digit path leaves them to it.)
    for text, value in zip(texts, fast, strict=True):
        if not text.endswith(("1677", "2262")) and not text.startswith(("1677", "2262")):
            alone = _parse_dates_by_format(pd.Series([text], dtype=object)).iloc[0]
            assert (pd.isna(alone) and pd.isna(value)) or alone == value, text


@pytest.mark.parametrize(
    "text",
    ["a\nb\n", "a\r\nb\r\n", "a\rb\r", "a\r\nb\nc\rd", "a\n\r\nb", "\r\n\r\n", "a", "", "a\r"],
)
def test_lines_split_by_strings_as_by_the_expression(text):
    from qaanalysis.sources.rawfile import _LINE_END, _split_lines

    assert _split_lines(text) == _LINE_END.split(text)


def test_tidy_shortcut_for_tidy_text_agrees_with_splitting_every_text():
    import sys

    spaces = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]
    texts = AWKWARD + [f"a{s}b" for s in spaces] + [f"{s}a" for s in spaces] + ["a\u200bb", "ok"]
    for text in texts:
        assert _tidy(text) == " ".join(text.replace("\u00a0", " ").split()), repr(text)


def test_spreadsheet_cells_are_tidied_as_text():
    import datetime as dt

    from qaanalysis.sources.rawfile import _tidy_any

    cells = pd.Series(
        [
            "A1",
            " A1 ",
            3.0,
            3.5,
            None,
            dt.datetime(2025, 4, 1, 9, 30),
            dt.date(2025, 4, 2),
            "x" * 12,
        ],
        dtype=object,
    )
    tidied, long = _tidy_any(cells, limit=10)
    assert tidied.tolist() == [
        "A1",
        "A1",
        "3",
        "3.5",
        "",
        "2025-04-01",
        "2025-04-02",
        "x" * 10 + "\u2026",
    ]
    assert str(tidied.dtype) == "str"
    assert long.tolist() == [False] * 7 + [True]


def test_csv_grid_keeps_short_rows_blank_and_falls_back_for_long_ones():
    from qaanalysis.sources.rawfile import _read_csv_text

    short = _read_csv_text("a,b,c\n1,2\n,,\n")  # the C parser: a short row's cells are blank
    assert short.values.tolist() == [["a", "b", "c"], ["1", "2", ""], ["", "", ""]]
    assert all(str(d) == "str" for d in short.dtypes)
    long = _read_csv_text("Title\na,b,c\n1,2,3\n")  # a row longer than the first: Python's reader
    assert long.values.tolist() == [["Title", "", ""], ["a", "b", "c"], ["1", "2", "3"]]


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        ("1,2\n,\n3,4\n", [["1", "2"], ["", ""], ["3", "4"]]),  # an inner blank row stays
        ("1,2\n,\n,\n", [["1", "2"]]),  # trailing blank rows go
        ("1,2\n,\n,4\n", [["1", "2"], ["", ""], ["", "4"]]),  # a last row filled only at its end
        (",\n,\n", []),
    ],
)
def test_trailing_blank_rows_are_dropped_and_inner_ones_kept(tmp_path, body, rows):
    path = tmp_path / "export.csv"
    path.write_text("a,b\n" + body, encoding="utf-8")
    frame, _ = read_text(path, expected=["a"])
    assert frame.values.tolist() == rows


def test_a_yes_no_cell_is_not_read_as_the_number_it_equals():
    # In Python True == 1 and False == 0, so reading each distinct value once took an id 1 and a
    # TRUE cell of the same workbook column for one value (both "1", or both "True").
    from qaanalysis.sources.rawfile import _tidy_any

    cells = pd.Series([1, True, 1.0, False, 0, "1", None], dtype=object)
    tidied, _ = _tidy_any(cells, limit=10)
    assert tidied.tolist() == ["1", "True", "1", "False", "0", "1", ""]
    first_true, _ = _tidy_any(pd.Series([True, 1], dtype=object), limit=10)
    assert first_true.tolist() == ["True", "1"]
