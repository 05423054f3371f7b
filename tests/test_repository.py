"""Standing contracts of the repository with its users and its CI."""

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_installs_what_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    names = {re.split(r"[<>=\[ ]", d)[0].lower() for d in wanted}
    environment = (ROOT / "environment.yml").read_text().lower()
    missing = {n for n in names if f"- {n}" not in environment}
    assert not missing, f"environment.yml lacks {sorted(missing)}"


def test_notebooks_are_committed_without_outputs_and_with_parameters():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert not any(c.get("outputs") or c.get("execution_count") for c in code), path.name
        tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: one cell tagged 'parameters'"
        assert notebook["cells"][0]["cell_type"] == "markdown", (
            f"{path.name}: opens with its questions"
        )
        assert notebook["metadata"]["kernelspec"]["name"] == "qaanalysis"  # the suite's own kernel


def test_readme_shows_the_two_commands_and_ci_calls_make_test():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
