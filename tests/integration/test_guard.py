"""Faults that end in messages: the pack lock, stale folders, disk faults, modes under the umask."""

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from qaanalysis.pipeline import guard

DAY = 86400


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def dead_pid() -> int:
    """The pid of a process that has finished (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def run_python(code: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.fixture
def final(tmp_path):
    return tmp_path / "outputs" / "northmoor" / "2026-27-Q2" / "quarterly"


def test_a_second_run_on_the_same_pack_is_refused_naming_the_first(final):
    final.parent.mkdir(parents=True)
    holder = run_python(
        f"""
        import fcntl, os, sys
        fd = os.open({str(guard.lock_path(final))!r}, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, f"{{os.getpid()}}\\n".encode())
        print("locked", flush=True)
        sys.stdin.read()  # hold the lock until the test closes stdin
        """
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(guard.PackFault) as caught:
            with guard.pack_lock(final):
                pytest.fail("the lock was taken twice")
        assert f"another run is building this pack (pid {holder.pid})" in str(caught.value)
        assert caught.value.exit_code == 1
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    with guard.pack_lock(final) as path:  # free once the other run has ended
        assert path.read_text().strip() == str(os.getpid())


def test_the_lock_is_per_pack_and_released_after_the_run(final):
    other = final.with_name("quarterly-public")
    with guard.pack_lock(final):
        with guard.pack_lock(other):  # another audience's pack is another pack
            pass
        with pytest.raises(guard.PackFault, match=f"pid {os.getpid()}"):
            with guard.pack_lock(final):
                pass
    with guard.pack_lock(final):
        pass


def test_a_killed_run_frees_the_lock_and_its_work_folder_is_cleaned(final):
    final.mkdir(parents=True)
    (final / "report.html").write_text("the earlier pack")
    victim = run_python(
        f"""
        import os, signal
        from pathlib import Path
        from qaanalysis.pipeline import guard
        final = Path({str(final)!r})
        with guard.pack_lock(final):
            work = guard.make_work_folder(final)
            (work / "report.html").write_text("half written")
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    victim.wait(timeout=30)
    assert victim.returncode == -9
    left = [p.name for p in final.parent.iterdir() if ".work-" in p.name]
    assert left == [f".quarterly.work-{victim.pid}-" + left[0].split("-", 2)[2]]
    with guard.pack_lock(final):
        removed = guard.clean_stale(final)
    assert [p.name for p in removed] == left
    assert sorted(p.name for p in final.parent.iterdir()) == [".quarterly.lock", "quarterly"]
    assert (final / "report.html").read_text() == "the earlier pack"


def test_stale_folders_are_cleaned_and_live_ones_kept(final):
    final.mkdir(parents=True)
    parent, now, gone, me = final.parent, time.time(), dead_pid(), os.getpid()
    folders = {
        f".quarterly.work-{gone}-a1b2c3": "stale",  # its run is dead
        f".quarterly.old-{gone}": "stale",  # an earlier pack its dead run moved aside
        f".quarterly.work-{me}-d4e5f6": "live",  # a run that is alive
        f".quarterly.old-{me}": "live",
        ".quarterly.k3j_x9q2": "live",  # an older version's work folder, no pid: young
        ".quarterly.p0o9i8u7": "old",  # the same, two days old: stale
        f".quarterly.work-{me}-olderr": "old",  # pid alive (or reused) but two days old
        f".quarterly-public.work-{gone}-zzz": "live",  # another pack's: not ours to judge
        ".quarterly.notes": "live",  # not a name the runner makes
    }
    for name, state in folders.items():
        (parent / name).mkdir()
        if state == "old":
            os.utime(parent / name, (now - 2 * DAY, now - 2 * DAY))
    removed = guard.clean_stale(final, now=now)
    expected = sorted(n for n, s in folders.items() if s in ("stale", "old"))
    assert sorted(p.name for p in removed) == expected
    kept = sorted(p.name for p in parent.iterdir())
    assert kept == sorted([*(n for n, s in folders.items() if s == "live"), "quarterly"])


def test_an_earlier_pack_moved_aside_by_a_killed_run_is_put_back(final):
    final.parent.mkdir(parents=True)
    aside = final.with_name(f".quarterly.old-{dead_pid()}")
    aside.mkdir()
    (aside / "report.html").write_text("the earlier pack")
    assert guard.clean_stale(final) == []
    assert (final / "report.html").read_text() == "the earlier pack"
    assert not aside.exists()


def test_replace_pack_swaps_in_the_new_pack(final):
    final.mkdir(parents=True)
    (final / "report.html").write_text("old")
    work = guard.make_work_folder(final)
    (work / "report.html").write_text("new")
    guard.replace_pack(work, final)
    assert (final / "report.html").read_text() == "new"
    assert sorted(p.name for p in final.parent.iterdir()) == ["quarterly"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_ends_in_a_message(final):
    final.parent.mkdir(parents=True)
    os.chmod(final.parent, 0o555)
    try:
        with pytest.raises(guard.PackFault) as caught:
            with guard.write_faults(final.parent):
                guard.make_work_folder(final)
    finally:
        os.chmod(final.parent, 0o755)
    assert f"cannot write to {final.parent}: permission denied" in str(caught.value)
    assert caught.value.exit_code == 1


def test_permission_denied_on_a_write_ends_in_a_message(final, monkeypatch):
    final.mkdir(parents=True)

    def refused(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", refused)
    with pytest.raises(guard.PackFault) as caught:
        with guard.write_faults(final.parent):
            (final / "report.html").write_text("x")
    message = str(caught.value)
    assert message.startswith(f"cannot write to {final.parent}: permission denied")
    assert str(final / "report.html") in message
    assert "--out" in message
    assert caught.value.exit_code == 1


def test_a_full_disk_ends_in_a_message(final, monkeypatch):
    final.mkdir(parents=True)

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(guard.PackFault, match=f"the disk holding {final.parent} is full") as caught:
        with guard.write_faults(final.parent):
            (final / "report.docx").write_bytes(b"x")
    assert caught.value.exit_code == 1
    assert isinstance(caught.value.__cause__, OSError)  # kept for anyone debugging


def test_other_errors_pass_through_unchanged(final):
    with pytest.raises(FileNotFoundError):
        with guard.write_faults(final.parent):
            (final / "missing" / "x").read_text()
    with pytest.raises(ValueError, match="not a disk fault"):
        with guard.write_faults(final.parent):
            raise ValueError("not a disk fault")


@pytest.mark.parametrize(
    ("umask", "folder_mode", "file_mode"),
    [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640), (0o077, 0o700, 0o600), (0o002, 0o775, 0o664)],
)
def test_a_finished_pack_follows_the_umask(final, umask, folder_mode, file_mode):
    final.parent.mkdir(parents=True)
    work = guard.make_work_folder(final)
    assert mode(work) == 0o700  # mkdtemp: private while being built
    (work / "notebooks").mkdir(mode=0o700)
    (work / "notebooks" / "10_audits.ipynb").write_text("{}")
    os.chmod(work / "notebooks" / "10_audits.ipynb", 0o600)
    (work / "report.html").write_text("<html>")
    guard.apply_umask(work, umask=umask)
    assert mode(work) == folder_mode
    assert mode(work / "notebooks") == folder_mode
    assert mode(work / "notebooks" / "10_audits.ipynb") == file_mode
    assert mode(work / "report.html") == file_mode


def test_the_umask_is_read_without_being_changed():
    previous = os.umask(0o027)
    try:
        assert guard.current_umask() == 0o027
        assert os.umask(0o027) == 0o027  # still as set
    finally:
        os.umask(previous)


def test_kernels_talk_over_private_sockets_without_warnings(tmp_path, capfd, caplog):
    import nbformat
    import papermill as pm

    from qaanalysis.pipeline.kernels import SOCKET_FOLDER_PREFIX, quiet_kernel_manager

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from ipykernel.kernelapp import IPKernelApp\n"
            "import os, stat\n"
            "app = IPKernelApp.instance()\n"
            "folder = os.path.dirname(app.ip)"
        ),
        nbformat.v4.new_code_cell(
            "print(app.transport, oct(stat.S_IMODE(os.stat(folder).st_mode)), folder)"
        ),
    ]
    nbformat.write(notebook, tmp_path / "two.ipynb")
    before = set(Path(tempfile.gettempdir()).glob(f"{SOCKET_FOLDER_PREFIX}*"))
    with caplog.at_level("DEBUG"):
        pm.execute_notebook(
            str(tmp_path / "two.ipynb"),
            str(tmp_path / "out.ipynb"),
            kernel_name="python3",
            progress_bar=False,
            kernel_manager_class=quiet_kernel_manager(),
        )
    transport, folder_mode, folder = (
        nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[-1].outputs[0]["text"].split()
    )
    assert transport == "ipc"  # Unix sockets: nothing listens on a network port
    assert folder_mode == "0o700"  # only this user can reach them
    assert Path(folder).name.startswith(SOCKET_FOLDER_PREFIX)
    assert not Path(folder).exists()  # removed with the kernel
    assert set(Path(tempfile.gettempdir()).glob(f"{SOCKET_FOLDER_PREFIX}*")) == before
    captured = capfd.readouterr()  # the kernel's own stderr is this process's
    for text in (captured.err, captured.out, caplog.text):
        assert "without encryption" not in text
        assert "TCP" not in text


def test_a_fault_mid_build_leaves_the_earlier_pack_and_frees_the_lock(final, monkeypatch):
    """The runner's order from the module docstring, with the disk filling on the second file."""
    final.mkdir(parents=True)
    (final / "report.html").write_text("the earlier pack")
    real_write = Path.write_bytes

    def fills_up(self, data):
        if self.name == "report.docx":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", fills_up)
    with pytest.raises(guard.PackFault, match="is full"):
        with guard.write_faults(final.parent), guard.pack_lock(final):
            guard.clean_stale(final)
            work = guard.make_work_folder(final)
            try:
                (work / "report.html").write_bytes(b"the new pack")
                (work / "report.docx").write_bytes(b"...")
                guard.replace_pack(work, final)
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise
    assert (final / "report.html").read_text() == "the earlier pack"
    assert sorted(p.name for p in final.parent.iterdir()) == [".quarterly.lock", "quarterly"]
    with guard.pack_lock(final):  # the lock went with the failed run
        pass
