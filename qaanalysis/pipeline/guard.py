"""Faults that end in messages: one run per pack, stale folders cleaned, disk faults explained.

A pack is built in a hidden work folder beside it (``.<name>.work-<pid>-<random>``) and moved into
place when complete; the earlier pack is first moved aside to ``.<name>.old-<pid>``. This module
keeps that safe when things go wrong:

- ``pack_lock(final)``: one run per pack. A second run on the same pack stops at once with
  "another run is building this pack (pid N)" and exit code 1. The lock is an ``flock`` on
  ``.<name>.lock`` beside the pack, released by the system even when a run is killed.
- ``clean_stale(final)``: folders left by a killed run are removed at the next run (a work folder
  or an earlier pack moved aside whose run is no longer alive, or older than a day); if a run was
  killed between moving the earlier pack aside and moving the new one in, the earlier pack is put
  back.
- ``write_faults(folder)``: a read-only folder, a full disk or an exceeded quota ends in a message
  naming the folder (``PackFault``, exit code 1) instead of a traceback.
- ``apply_umask(folder)``: ``mkdtemp`` makes private folders (0700); a finished pack takes the
  modes the user's umask gives any new file, as if it had been written directly.

The runner's order::

    with write_faults(final.parent), pack_lock(final):
        clean_stale(final)
        work = make_work_folder(final)
        ...                          # build the pack in work
        apply_umask(work)
        replace_pack(work, final)
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A folder left by a run whose process cannot be checked (or whose pid was reused) is stale
# after this long; no pack takes anywhere near a day to build.
STALE_AFTER_SECONDS = 86400

EXIT_FAULT = 1


class PackFault(Exception):
    """A pack could not be written for a reason outside the data; the message says what to do.

    Carries ``exit_code`` like the runner's ``PackError``, so the command line can treat both alike.
    """

    def __init__(self, message: str, exit_code: int = EXIT_FAULT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def lock_path(final: Path) -> Path:
    """The lock file of a pack folder: ``.<name>.lock`` beside it."""
    return final.parent / f".{final.name}.lock"


@contextmanager
def pack_lock(final: Path) -> Iterator[Path]:
    """Hold the pack's lock for the duration of the block; never wait for it.

    Args:
        final: the pack folder (it need not exist yet); its parent folder is created.

    Yields:
        The lock file's path.

    Raises:
        PackFault: another run holds the lock (the message names its pid), exit code 1.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(final)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise PackFault(
                f"another run is building this pack (pid {holder}) in {final.parent}; wait for it "
                f"to finish, then run again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield path
        finally:
            # The file stays: removing it would let two runs lock two different files at once.
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def make_work_folder(final: Path) -> Path:
    """A private work folder beside the pack, named so that a later run can tell whose it was."""
    return Path(tempfile.mkdtemp(prefix=f".{final.name}.work-{os.getpid()}-", dir=final.parent))


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def clean_stale(
    final: Path, *, now: float | None = None, max_age_s: float = STALE_AFTER_SECONDS
) -> list[Path]:
    """Remove the folders a killed run left beside the pack; call it while holding ``pack_lock``.

    Stale are: work folders ``.<name>.work-<pid>-*`` and earlier packs moved aside
    ``.<name>.old-<pid>`` whose process is no longer alive, or that are older than ``max_age_s``;
    and work folders of older versions, ``.<name>.<8 characters>``, older than ``max_age_s``.
    When the pack itself is missing and an earlier pack moved aside is stale, it is put back
    instead of removed (the run was killed between the two moves).

    Args:
        final: the pack folder.
        now: the time to judge age against (default: now).
        max_age_s: age after which a folder is stale whatever its pid.

    Returns:
        The folders removed (a restored pack is not listed).
    """
    final = Path(final)
    parent = final.parent
    if not parent.is_dir():
        return []
    now = time.time() if now is None else now
    name = re.escape(final.name)
    with_pid = re.compile(rf"^\.{name}\.(?:work-(\d+)-[A-Za-z0-9_]+|old-(\d+))$")
    legacy = re.compile(rf"^\.{name}\.[A-Za-z0-9_]{{8}}$")  # tempfile.mkdtemp's random names
    stale_old, removed = [], []
    for path in sorted(parent.iterdir()):
        match, old_style = with_pid.match(path.name), legacy.match(path.name)
        if not (match or old_style) or not path.is_dir() or path.is_symlink():
            continue
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:
            continue
        pid = int(match.group(1) or match.group(2)) if match else None
        if age <= max_age_s and (pid is None or _alive(pid)):
            continue  # a live run's folder
        if match and match.group(2):
            stale_old.append((path.stat().st_mtime, path))
        else:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    stale_old.sort()
    if not final.exists() and stale_old:
        _, newest = stale_old.pop()
        newest.rename(final)
    for _, path in stale_old:
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def replace_pack(work: Path, final: Path) -> None:
    """Move the finished pack into place; the earlier one is removed only after the move."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    work.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def fault_message(exc: BaseException, folder: Path) -> str | None:
    """A plain message for a fault of the disk or its permissions, or None for any other error.

    Args:
        exc: the exception raised while writing.
        folder: the folder being written, named in the message.
    """
    if not isinstance(exc, OSError):
        return None
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"cannot write to {folder}: permission denied{where}. Choose a folder you can write "
            f"to with --out, or ask for write access; any earlier pack there is unchanged"
        )
    if exc.errno == errno.EROFS:
        return (
            f"cannot write to {folder}: it is on a read-only file system. Choose another folder "
            f"with --out; any earlier pack there is unchanged"
        )
    if exc.errno == errno.ENOSPC:
        return (
            f"the disk holding {folder} is full{where}. Free some space or choose another folder "
            f"with --out, then run again; any earlier pack there is unchanged"
        )
    if exc.errno == errno.EDQUOT:
        return (
            f"your disk quota for {folder} is used up{where}. Free some space or choose another "
            f"folder with --out; any earlier pack there is unchanged"
        )
    return None


@contextmanager
def write_faults(folder: Path) -> Iterator[None]:
    """Turn disk and permission faults raised inside the block into a ``PackFault`` (exit 1).

    Other exceptions pass through unchanged.

    Args:
        folder: the folder being written (the pack's parent), named in the message.

    Raises:
        PackFault: a read-only folder or file system, a full disk or an exceeded quota.
    """
    try:
        yield
    except OSError as exc:
        message = fault_message(exc, Path(folder))
        if message is None:
            raise
        raise PackFault(message) from exc


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # no other way: set and restore at once
    os.umask(mask)
    return mask


def apply_umask(folder: Path, *, umask: int | None = None) -> None:
    """Give a folder tree the modes new files get under the umask (folders 0777, files 0666, less
    the umask): ``mkdtemp`` made the work folder private, but the pack is the user's to share.

    Args:
        folder: the finished work folder, before it is moved into place.
        umask: the mask to apply (default: the process's own).
    """
    mask = current_umask() if umask is None else umask
    folder_mode, file_mode = 0o777 & ~mask, 0o666 & ~mask
    for root, folders, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, file_mode)
        for name in folders:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, folder_mode)
    os.chmod(folder, folder_mode)
