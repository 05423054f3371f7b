"""The evidence cache: private folder and files, signed entries, pruning, clearing, off switch."""

import logging
import os
import pickle
import stat
import time
from pathlib import Path

import pandas as pd
import pytest

from qaanalysis import cache


@pytest.fixture(autouse=True)
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    return folder


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class Planted:
    """Unpickling this writes a marker file: the proof that loading ran someone else's code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "code ran"))


def test_folder_is_created_0700_and_entries_and_key_0600(cache_folder):
    frame = pd.DataFrame({"child_id": ["C1", "C2"], "grade": ["Good", "Inadequate"]})
    path = cache.store("evidence", "abc123", frame)
    assert path == cache_folder / "evidence-abc123.pkl"
    assert mode(cache_folder) == 0o700
    assert mode(path) == 0o600
    assert mode(cache_folder / cache.KEY_FILE) == 0o600
    assert (cache_folder / cache.KEY_FILE).stat().st_size == 32  # 256-bit secret
    pd.testing.assert_frame_equal(cache.load("evidence", "abc123"), frame)
    pd.testing.assert_frame_equal(cache.load_path(path), frame)
    assert not [p for p in cache_folder.iterdir() if p.name.startswith(cache.TEMP_PREFIX)]


def test_a_missing_entry_is_none():
    assert cache.load("evidence", "never-stored") is None


def test_default_location_follows_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "qaanalysis"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "qaanalysis"


def test_a_folder_open_to_others_is_refused(cache_folder):
    cache_folder.mkdir(mode=0o755)
    os.chmod(cache_folder, 0o755)  # as a shared temporary folder would be, whatever the umask
    with pytest.raises(cache.CacheError, match=r"other users \(mode 0755\).*chmod 700"):
        cache.store("evidence", "k", 1)
    with pytest.raises(cache.CacheError, match="0755"):
        cache.load("evidence", "k")
    assert list(cache_folder.iterdir()) == []  # nothing written into it


def test_a_folder_owned_by_someone_else_is_refused(cache_folder, monkeypatch):
    cache.store("evidence", "k", {"child_id": "C1"})
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)  # we are now another local user
    with pytest.raises(cache.CacheError, match=f"belongs to another user \\(uid {real}\\)"):
        cache.load("evidence", "k")
    with pytest.raises(cache.CacheError, match="another user"):
        cache.load_path(cache_folder / "evidence-k.pkl")
    with pytest.raises(cache.CacheError, match="another user"):
        cache.clear()


def test_a_tampered_entry_is_refused_deleted_and_rebuilt(cache_folder, caplog):
    path = cache.store("evidence", "k", {"child_id": "C1"})
    data = bytearray(path.read_bytes())
    data[-2] ^= 0x01  # one bit changed in the pickled payload
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="qaanalysis.cache"):
        assert cache.load("evidence", "k") is None
    assert "signature does not match" in caplog.text
    assert not path.exists()


def test_a_planted_pickle_never_runs(cache_folder, tmp_path):
    """A local user who can write into the folder plants an entry: it is refused unread."""
    path = cache.store("evidence", "k", "genuine")
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Planted(marker))
    path.write_bytes(cache.MAGIC + b"\0" * cache.TAG_BYTES + payload)
    with pytest.raises(cache.EntryRefused, match="signature"):
        cache.load_path(path)
    assert not marker.exists()
    assert not path.exists()


def test_an_entry_signed_with_another_key_is_refused(tmp_path):
    other = tmp_path / "other-users-cache"
    foreign = cache.store("evidence", "k", "signed elsewhere", folder=other)
    mine = cache.store("evidence", "k", "mine")
    mine.write_bytes(foreign.read_bytes())  # a correctly formed entry, under a different key
    with pytest.raises(cache.EntryRefused, match="signed with another key"):
        cache.load_path(mine)
    assert not mine.exists()


def test_an_entry_renamed_to_another_key_is_refused():
    path = cache.store("evidence", "old", "stale evidence")
    moved = path.with_name("evidence-new.pkl")
    path.rename(moved)  # the name is signed: an old load cannot pose as a new one
    assert cache.load("evidence", "new") is None
    assert not moved.exists()


def test_an_entry_owned_by_someone_else_is_refused(cache_folder, monkeypatch):
    path = cache.store("evidence", "k", "planted")
    if os.getuid() == 0:
        os.chown(path, 65534, 65534)  # really hand the file to 'nobody'
    else:  # without root, make the file look as if another user owned it
        real_fstat = os.fstat

        def fstat(fd):
            info = real_fstat(fd)
            if stat.S_ISREG(info.st_mode) and info.st_size != cache.KEY_BYTES:
                values = list(info)
                values[stat.ST_UID] = os.getuid() + 1
                return os.stat_result(values)
            return info

        monkeypatch.setattr(os, "fstat", fstat)
    with pytest.raises(cache.EntryRefused, match="written by another user"):
        cache.load_path(path)
    assert not path.exists()


def test_an_entry_open_to_others_is_refused():
    path = cache.store("evidence", "k", "exposed")
    os.chmod(path, 0o644)
    with pytest.raises(cache.EntryRefused, match="open to other users"):
        cache.load_path(path)


def test_a_link_in_place_of_an_entry_is_refused(cache_folder, tmp_path):
    cache.store("evidence", "k", "genuine")
    target = tmp_path / "elsewhere.pkl"
    target.write_bytes(b"anything")
    path = cache.path_for("evidence", "k")
    path.unlink()
    path.symlink_to(target)
    with pytest.raises(cache.EntryRefused, match="link"):
        cache.load_path(path)
    assert target.exists()  # the link is removed, never what it points at


def test_a_key_open_to_others_is_refused(cache_folder):
    cache.store("evidence", "k", "x")
    os.chmod(cache_folder / cache.KEY_FILE, 0o644)
    with pytest.raises(cache.CacheError, match="key .* not private"):
        cache.load("evidence", "k")


def test_names_that_could_leave_the_folder_are_rejected():
    with pytest.raises(ValueError, match="key"):
        cache.path_for("evidence", "../../etc/x")
    with pytest.raises(ValueError, match="kind"):
        cache.path_for(".hidden", "k")


def test_prune_by_age(cache_folder):
    now = 1_800_000_000.0
    day = 86400
    fresh = cache.store("evidence", "fresh", "a")
    week_old = cache.store("evidence", "six-days", "b")
    stale = cache.store("evidence", "eight-days", "c")
    os.utime(fresh, (now - day, now - day))
    os.utime(week_old, (now - 6 * day, now - 6 * day))
    os.utime(stale, (now - 8 * day, now - 8 * day))
    killed = cache_folder / f"{cache.TEMP_PREFIX}abc"  # a write killed two hours ago
    killed.write_bytes(b"partial")
    os.utime(killed, (now - 7200, now - 7200))
    writing = cache_folder / f"{cache.TEMP_PREFIX}def"  # a write under way
    writing.write_bytes(b"partial")
    os.utime(writing, (now - 60, now - 60))
    assert cache.prune(max_age_days=7, now=now) == 2  # eight days old, and the killed write
    assert fresh.exists() and week_old.exists() and writing.exists()
    assert not stale.exists() and not killed.exists()
    assert (cache_folder / cache.KEY_FILE).exists()


def test_prune_by_size_removes_the_least_recently_used_first(cache_folder):
    now = 1_800_000_000.0
    paths = [cache.store("evidence", f"k{i}", "x" * 1000) for i in range(3)]
    size = paths[0].stat().st_size  # same object, same-length names: the same size each
    assert all(p.stat().st_size == size for p in paths)
    for age, path in zip([300, 100, 200], paths, strict=True):  # k0 least recently used, then k2
        os.utime(path, (now - age, now - age))
    # Room for two entries and a byte: only the least recently used goes.
    assert cache.prune(max_bytes=2 * size + 1, now=now) == 1
    assert [p.exists() for p in paths] == [False, True, True]
    # Room for less than one: every entry goes, the key stays.
    assert cache.prune(max_bytes=size - 1, now=now) == 2
    assert sorted(p.name for p in cache_folder.iterdir()) == [cache.KEY_FILE]


def test_loading_an_entry_marks_it_recently_used(cache_folder):
    now = time.time()
    old, new = cache.store("evidence", "old", "x"), cache.store("evidence", "new", "x")
    os.utime(old, (now - 500, now - 500))
    os.utime(new, (now - 100, now - 100))
    cache.load("evidence", "old")  # now the most recently used
    assert cache.prune(max_bytes=old.stat().st_size, now=now) == 1
    assert old.exists() and not new.exists()


def test_clear_counts_entries_and_keeps_the_key(cache_folder):
    for key in ("a", "b", "c"):
        cache.store("evidence", key, key)
    (cache_folder / f"{cache.TEMP_PREFIX}zz").write_bytes(b"partial")
    assert cache.clear() == 3
    assert sorted(p.name for p in cache_folder.iterdir()) == [cache.KEY_FILE]
    assert cache.clear() == 0


def test_clear_and_info_without_a_folder(cache_folder):
    assert cache.clear() == 0
    assert cache.info()["entries"] == 0
    assert not cache_folder.exists()


def test_info_reports_entries_and_bytes(cache_folder):
    a = cache.store("evidence", "a", "x" * 100)
    b = cache.store("evidence", "b", "y" * 5000)
    details = cache.info()
    assert details["folder"] == str(cache_folder)
    assert details["entries"] == 2
    assert details["bytes"] == a.stat().st_size + b.stat().st_size
    assert details["bytes"] > 5100  # both payloads, uncompressed


@pytest.mark.parametrize("value", ["1", "yes", "true"])
def test_the_off_switch(cache_folder, monkeypatch, value):
    monkeypatch.setenv(cache.NO_CACHE_ENV, value)
    assert not cache.enabled()
    assert cache.store("evidence", "k", "x") is None
    assert cache.load("evidence", "k") is None
    assert cache.prune() == 0
    assert not cache_folder.exists()  # nothing written anywhere


def test_zero_leaves_the_cache_on(monkeypatch):
    monkeypatch.setenv(cache.NO_CACHE_ENV, "0")
    assert cache.enabled()
