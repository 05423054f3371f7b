from pathlib import Path

import pytest

from qaanalysis.config import ConfigError, load_config

MINIMAL = "authority: {name: Testshire, slug: testshire}\nsources:\n  audits: {file: audits.csv}\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "la.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_hold_the_national_rules(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.grades.labels == ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    assert config.timescales.assessment_working_days == 45  # Working Together
    assert config.timescales.complaint_stage1_working_days == 10  # 2006 regulations
    assert config.timescales.action_due_days == 31
    assert config.suppression.max_count == 5
    assert len(config.judgement_areas) == 4
    assert config.path("audits.csv") == tmp_path / "audits.csv"


def test_an_authority_overrides_only_what_differs(tmp_path):
    text = (
        MINIMAL
        + "timescales: {cp_visit_working_days: 15}\nthemes:\n  workforce: {label: Our people}\n"
    )
    config = load_config(write(tmp_path, text))
    assert config.timescales.cp_visit_working_days == 15
    assert config.timescales.icpc_working_days == 15  # default kept
    assert config.themes["workforce"].label == "Our people"
    assert "caseload_average" in config.themes["workforce"].kpis  # merged key by key
    assert "assessment" in config.themes  # other default themes kept


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "timescales: {asessment_working_days: 40}\n",
            "unknown key 'timescales.asessment_working_days' (did you mean 'assessment_working_days'?)",
        ),
        (
            "sources:\n  audits: {file: a.csv, colums: {}}\n",
            "unknown key 'sources.audits.colums' (did you mean 'columns'?)",
        ),
        ("grades: {good_or_better: [Excellent]}\n", "not on the scale"),
        ("kpis:\n  my_kpi: {label: Mine, theme: nowhere}\n", "unknown theme 'nowhere'"),
    ],
)
def test_invalid_settings_name_the_key_and_the_file(tmp_path, extra, message):
    path = write(tmp_path, MINIMAL + extra)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_unknown_source_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown source"):
        load_config(write(tmp_path, MINIMAL + "  complaints_log: {file: c.csv}\n"))


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_reading_limits_default_and_override(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert str(config.reading.earliest_date) == "1990-01-01"
    assert str(config.reading.earliest_birth_date) == "1900-01-01"
    assert config.reading.max_cell_chars == 2000
    assert config.sources["audits"].required is False
    text = MINIMAL.replace("{file: audits.csv}", "{file: audits.csv, required: true}")
    config = load_config(write(tmp_path, text + "reading: {earliest_date: 2000-01-01}\n"))
    assert str(config.reading.earliest_date) == "2000-01-01"
    assert config.reading.max_cell_chars == 2000  # the rest kept
    assert config.sources["audits"].required is True


def test_nesting_up_to_the_limit_is_read_and_beyond_it_refused(tmp_path):
    from qaanalysis.config import _check_yaml_shape

    # The top-level mapping is level 1, "published"'s value level 2, and so on: 20 levels pass.
    _check_yaml_shape("a: " + "[" * 19 + "]" * 19, max_depth=20, max_nodes=1000)
    with pytest.raises(ConfigError, match="nested more than 20 levels deep"):
        load_config(write(tmp_path, MINIMAL + "x: " + "[" * 20 + "]" * 20 + "\n"))


def test_aliases_count_as_copies():
    from qaanalysis.config import _check_yaml_shape, _YamlTooBig

    # Counted by hand: the top mapping 1; a 1 + its list 1 + 3 items; b 1 + the alias's 4;
    # c 1 + its mapping 1 + x 1 + 5 1 + y 1 + the alias's 1 = 17 values.
    doc = "a: &a [1, 2, 3]\nb: *a\nc: {x: &s 5, y: *s}\n"
    _check_yaml_shape(doc, max_depth=20, max_nodes=17)
    with pytest.raises(_YamlTooBig):
        _check_yaml_shape(doc, max_depth=20, max_nodes=16)


def test_a_file_over_a_megabyte_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, MINIMAL + "#" * 1_000_001 + "\n")
    with pytest.raises(ConfigError, match="at most 1,000,000 bytes") as caught:
        load_config(path)
    assert str(path) in str(caught.value)
