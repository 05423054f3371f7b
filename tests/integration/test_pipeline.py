"""The pack runner on a tiny hand-made authority: outputs, failure handling, determinism, no network."""

import json
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from qaanalysis.pipeline import PackError, run_pack

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini" / "la.yaml"
PERIOD = "2025-26-Q2"


def notebooks(tmp_path: Path, *, failing: bool = False) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir(exist_ok=True)
    shutil.copy(ROOT / "notebooks" / "00_data_quality.ipynb", folder)
    target = folder / "10_audits.ipynb"
    if failing:
        nb = nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_code_cell(
                    "config = ''\nperiod = ''\naudience = ''", metadata={"tags": ["parameters"]}
                ),
                nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("raise RuntimeError('planted failure')"),
            ]
        )
        nbformat.write(nb, target)
    elif target.exists():
        target.unlink()
    return folder


@pytest.fixture(scope="module")
def first_pack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pack")
    result = run_pack(
        MINI, period=PERIOD, out=tmp / "out", notebook_dir=notebooks(tmp), log=lambda *_: None
    )
    return tmp, result


def test_pack_layout_and_row_accounting(first_pack):
    _, result = first_pack
    folder = result.folder
    assert folder.parts[-3:] == ("minitown", PERIOD, "quarterly")
    for name in (
        "report.html",
        "report.docx",
        "tables.xlsx",
        "figures.json",
        "manifest.json",
        "rejected_rows.csv",
        "notebooks/00_data_quality.ipynb",
    ):
        assert (folder / name).is_file(), name
    manifest = json.loads((folder / "manifest.json").read_text())
    # The fixture has 9 audit rows: rows 5 (31/02), 6 ("Gd"), 7 (duplicate AU3) and 9 (after the
    # extract date) are rejected, so 5 are accepted.
    assert manifest["row_accounting"]["audits"] == {
        "rows_read": 9,
        "rows_accepted": 5,
        "rows_rejected": 4,
        "values_blanked": 1,
    }
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    figures = {f["id"]: f for f in json.loads((folder / "figures.json").read_text())}
    accepted = figures["data_quality.audits.accepted"]
    assert (accepted["numerator"], accepted["denominator"]) == (5, 9)


def test_html_is_self_contained_and_hides_code(first_pack):
    html = (first_pack[1].folder / "report.html").read_text()
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "from qaanalysis" not in html  # no code shown
    assert "Rows read, accepted and rejected" in html


def test_same_inputs_give_identical_figures(first_pack, tmp_path, monkeypatch):
    _, first = first_pack
    monkeypatch.chdir(tmp_path)  # and a relative output folder, as `make demo` gives, works
    again = run_pack(
        MINI, period=PERIOD, out="outputs", notebook_dir=notebooks(tmp_path), log=lambda *_: None
    )
    assert again.folder == tmp_path / "outputs" / "minitown" / PERIOD / "quarterly"
    assert (first.folder / "figures.json").read_bytes() == (
        again.folder / "figures.json"
    ).read_bytes()


def test_a_failed_notebook_keeps_the_earlier_pack(tmp_path):
    out = tmp_path / "out"
    good = run_pack(
        MINI, period=PERIOD, out=out, notebook_dir=notebooks(tmp_path), log=lambda *_: None
    )
    before = (good.folder / "figures.json").read_bytes()
    with pytest.raises(PackError) as caught:
        run_pack(
            MINI,
            period=PERIOD,
            out=out,
            notebook_dir=notebooks(tmp_path, failing=True),
            log=lambda *_: None,
        )
    message = str(caught.value)
    assert caught.value.exit_code == 1
    assert "10_audits.ipynb failed at cell 3" in message and "planted failure" in message
    assert (good.folder / "figures.json").read_bytes() == before
    leftovers = [
        p.name
        for p in good.folder.parent.iterdir()
        if p.name != "quarterly" and not p.name.endswith(".lock")
    ]
    assert leftovers == []  # no half-written pack beside it (the per-pack lock file stays)


def test_bad_arguments_exit_2(tmp_path):
    with pytest.raises(PackError) as caught:
        run_pack(MINI, period="2025-26", report="quarterly", out=tmp_path, log=lambda *_: None)
    assert caught.value.exit_code == 2 and "quarter period" in str(caught.value)


GUARD = """
import os, socket
_connect = socket.socket.connect
def _guarded(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
        with open(os.environ["QA_NETWORK_LOG"], "a") as log:
            log.write(f"{host}\\n")
        raise OSError("network access is disabled in this test")
    return _connect(self, address)
socket.socket.connect = _guarded
"""


def test_pack_builds_with_network_access_made_to_fail(tmp_path, monkeypatch):
    # Every Python process of the run (this one and the notebook kernels) refuses any connection
    # that is not to this machine, and logs the attempt.
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir()
    (guard_dir / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "network.log"
    monkeypatch.setenv("QA_NETWORK_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", str(guard_dir))
    # The guard works in a child process, as it will in the kernels:
    probe = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "-c", probe], check=True)
    assert log.read_text() == "192.0.2.1\n"
    log.unlink()
    original = socket.socket.connect
    exec(compile(GUARD, "guard", "exec"), {})  # the same guard in this process
    try:
        run_pack(
            MINI,
            period=PERIOD,
            out=tmp_path / "out",
            notebook_dir=notebooks(tmp_path),
            log=lambda *_: None,
        )
    finally:
        socket.socket.connect = original
    assert not log.exists(), f"network access attempted: {log.read_text()}"


def _tiny_notebook(path: Path, *sources: str) -> Path:
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path
    )
    return path


def _run_in(manager, notebook: Path):
    import papermill as pm

    return pm.execute_notebook(
        str(notebook), str(notebook), kernel_name="python3", progress_bar=False, km=manager
    )


def _printed(notebook) -> str:
    return "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))


def test_notebooks_sharing_a_kernel_see_nothing_of_each_other(tmp_path):
    from qaanalysis.pipeline.kernels import KernelPool

    first = _tiny_notebook(tmp_path / "a.ipynb", "import os\nplanted = 1\nprint(os.getpid())")
    second = _tiny_notebook(
        tmp_path / "b.ipynb",
        "import os\nprint(os.getpid())",
        "print('planted' in dir(), os.environ['QA_HANDED'], os.getcwd())",
    )
    with KernelPool(1, kernel_name="python3", cwd=tmp_path) as pool:
        futures = pool.map(_run_in, [first, second], environment={"QA_HANDED": "x.pkl"})
        ran = [futures[nb].result() for nb in (first, second)]
    pid_a = _printed(ran[0]).split()[0]
    lines = _printed(ran[1]).split("\n")
    # One kernel ran both (the same process), yet the second saw no name the first made, was
    # told the environment given to the pool, and ran in the folder the pool was given.
    assert lines[0] == pid_a
    assert lines[1] == f"False x.pkl {tmp_path}"


def test_a_notebook_that_ends_its_kernel_does_not_stop_the_next(tmp_path):
    from qaanalysis.pipeline.kernels import KernelPool

    dying = _tiny_notebook(tmp_path / "a.ipynb", "import os\nos._exit(1)")
    after = _tiny_notebook(tmp_path / "b.ipynb", "print(6 * 7)")
    with KernelPool(1, kernel_name="python3", cwd=tmp_path) as pool:
        futures = pool.map(_run_in, [dying, after])
        with pytest.raises(Exception):  # noqa: B017 - the kernel died: nbclient's own error
            futures[dying].result()
        assert _printed(futures[after].result()).strip() == "42"  # a fresh kernel ran it


def test_a_fresh_load_is_kept_for_the_next_run(tmp_path, monkeypatch):
    # The evidence is stored in the background while the notebooks run; the pack is written only
    # once it is stored, so the next run of the same inputs finds it.
    from qaanalysis import cache
    from qaanalysis.config import load_config
    from qaanalysis.pipeline import inputs_digest

    monkeypatch.setenv("QAANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    key = inputs_digest(load_config(MINI))
    assert cache.load("evidence", key) is None  # an empty cache to begin with
    run_pack(MINI, period=PERIOD, out=tmp_path / "out", notebook_dir=notebooks(tmp_path), log=print)
    kept = cache.load("evidence", key)
    # The fixture's audits: 9 rows read, 5 accepted (see test_pack_layout_and_row_accounting).
    assert kept is not None and len(kept.audits) == 5
