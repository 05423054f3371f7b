"""Standing contracts of the repository with its users and its CI."""

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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


def test_notebooks_are_thin_no_def_class_loop_or_comprehension():
    # Notebooks only show computed findings (qaanalysis.sections): every rule lives in the package.
    import ast

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse("".join(cell["source"]))
            banned = (
                ast.FunctionDef,
                ast.AsyncFunctionDef,
                ast.ClassDef,
                ast.For,
                ast.While,
                ast.ListComp,
                ast.DictComp,
                ast.SetComp,
                ast.GeneratorExp,
                ast.Lambda,
            )
            found = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, banned)]
            assert not found, f"{path.name}: {found} in {''.join(cell['source'])[:80]!r}"


def test_no_module_of_the_package_exceeds_1000_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "qaanalysis").rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 1000
    }
    assert not long, f"split these along their seams: {long}"


def test_the_declared_layers_hold():
    # pyproject.toml's import-linter contracts: a module imports only from layers below its own.
    import shutil
    import subprocess
    import sys

    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert linter, "import-linter is a dev dependency: make setup installs it"
    result = subprocess.run([linter], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
