"""A private cache for loaded evidence: one folder per user, entries signed before they are trusted.

Cached evidence holds child-level data, and a pickle runs code when it is loaded. So:

- the cache lives in a folder of the user's own (``$QAANALYSIS_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/qaanalysis``, else ``~/.cache/qaanalysis``), created with mode 0700; before
  every use the folder must be owned by the current user and open to no one else, or the cache
  refuses with a ``CacheError`` that says how to fix it;
- entries are written with mode 0600, atomically (a temporary file renamed into place);
- every entry is signed with HMAC-SHA256 under a per-user secret key kept in the folder (``.key``,
  mode 0600, made with ``secrets.token_bytes``); the signature is checked before anything is
  unpickled. An entry whose signature fails, that was signed with another key, or whose file is
  owned by someone else is refused and deleted, so nobody else can plant an entry that runs code
  as the user who next builds a pack;
- ``prune`` removes entries older than a week or beyond 2 GB (oldest first); ``clear`` removes all;
- ``QAANALYSIS_NO_CACHE=1`` turns the cache off.

Typical use by the runner::

    if cache.enabled():
        cache.prune()
        evidence = cache.load("evidence", digest)
        if evidence is None:
            evidence = load_evidence(config)
            path = cache.store("evidence", digest, evidence)

and by a notebook kernel handed the path: ``evidence = cache.load_path(path)``.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import logging
import os
import pickle
import re
import secrets
import stat
import tempfile
import time
from pathlib import Path

CACHE_DIR_ENV = "QAANALYSIS_CACHE_DIR"
NO_CACHE_ENV = "QAANALYSIS_NO_CACHE"
DEFAULT_MAX_AGE_DAYS = 7
DEFAULT_MAX_BYTES = 2 * 1024**3
KEY_FILE = ".key"
KEY_BYTES = 32
ENTRY_SUFFIX = ".pkl"
TEMP_PREFIX = ".tmp-"
# A temporary file this old belongs to a write that was killed, not to one in progress.
STALE_TEMP_SECONDS = 3600
MAGIC = b"QAANALYSIS-CACHE-1\n"
TAG_BYTES = hashlib.sha256().digest_size
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_PRIVATE_BITS = stat.S_IRWXG | stat.S_IRWXO

log = logging.getLogger(__name__)


class CacheError(Exception):
    """The cache folder or an entry cannot be trusted; the message says why and what to do."""


class EntryRefused(CacheError):
    """One entry failed its checks and was deleted; the cache itself is usable."""


def enabled() -> bool:
    """Whether caching is on: off when ``QAANALYSIS_NO_CACHE`` is set to anything but 0/no/false."""
    value = os.environ.get(NO_CACHE_ENV, "").strip().lower()
    return value in ("", "0", "no", "false")


def cache_dir() -> Path:
    """Where the cache lives: ``$QAANALYSIS_CACHE_DIR``, ``$XDG_CACHE_HOME/qaanalysis`` or
    ``~/.cache/qaanalysis`` (the first that is set). Nothing is created or checked."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "qaanalysis"
    return Path.home() / ".cache" / "qaanalysis"


def _check_folder(folder: Path) -> None:
    info = folder.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise CacheError(
            f"the cache folder {folder} is not a folder; remove it or set {CACHE_DIR_ENV}"
        )
    if info.st_uid != os.getuid():
        raise CacheError(
            f"the cache folder {folder} belongs to another user (uid {info.st_uid}), so its entries "
            f"cannot be trusted and it may expose children's records; remove it, or set "
            f"{CACHE_DIR_ENV} to a folder of your own"
        )
    if info.st_mode & _PRIVATE_BITS:
        raise CacheError(
            f"the cache folder {folder} can be opened by other users (mode "
            f"{stat.S_IMODE(info.st_mode):04o}) and holds children's records; make it private with "
            f"'chmod 700 {folder}', or remove it"
        )


def ensure_folder(folder: Path | None = None) -> Path:
    """Create the cache folder (mode 0700) if needed and check it is the user's own and private.

    Args:
        folder: the folder to use; default ``cache_dir()``.

    Returns:
        The folder.

    Raises:
        CacheError: the folder is owned by another user, is open to group or others, or is not a
            folder.
    """
    folder = Path(folder) if folder is not None else cache_dir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    _check_folder(folder)
    return folder


def _read_key_file(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        if info.st_uid != os.getuid() or info.st_mode & _PRIVATE_BITS:
            raise CacheError(
                f"the cache key {path} is not private to you (owner uid {info.st_uid}, mode "
                f"{stat.S_IMODE(info.st_mode):04o}); clear the cache with 'qaanalysis cache clear' "
                f"and remove {path}"
            )
        key = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if len(key) != KEY_BYTES:
        raise CacheError(
            f"the cache key {path} is damaged; remove it and the cache will make another"
        )
    return key


def _key(folder: Path) -> bytes:
    """The user's secret signing key, made on first use (mode 0600)."""
    path = folder / KEY_FILE
    if not path.exists():
        fd, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)  # mode 0600
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
            os.close(fd)
            try:
                os.link(temporary, path)  # atomic, and never replaces a key another run just made
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    return _read_key_file(path)


def _tag(key: bytes, name: str, payload: bytes) -> bytes:
    # The file name is signed too: an entry cannot be passed off under another kind or key.
    return hmac.new(key, MAGIC + name.encode() + b"\0" + payload, hashlib.sha256).digest()


def path_for(kind: str, key: str, *, folder: Path | None = None) -> Path:
    """The file an entry of ``kind`` under ``key`` is stored in (it need not exist).

    Raises:
        ValueError: ``kind`` or ``key`` is not a plain name (letters, digits, ``_ . -``).
    """
    for label, value in (("kind", kind), ("key", key)):
        if not _NAME.match(value):
            raise ValueError(f"cache {label} {value!r} must be letters, digits, '_', '.' or '-'")
    folder = Path(folder) if folder is not None else cache_dir()
    return folder / f"{kind}-{key}{ENTRY_SUFFIX}"


def store(
    kind: str, key: str, obj: object, *, folder: Path | None = None, always: bool = False
) -> Path | None:
    """Pickle and sign ``obj`` and write it (mode 0600, atomically) as the entry ``kind``/``key``.

    Args:
        always: write it even when the cache is turned off (a run handing its findings to its
            notebooks through a private folder of its own, deleted when the run ends).

    Returns:
        The entry's path, or None when the cache is turned off (and not ``always``).

    Raises:
        CacheError: the cache folder is not the user's own and private.
    """
    if not (enabled() or always):
        return None
    folder = ensure_folder(folder)
    path = path_for(kind, key, folder=folder)
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    data = MAGIC + _tag(_key(folder), path.name, payload) + payload
    fd, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _refuse(path: Path, reason: str) -> EntryRefused:
    path.unlink(missing_ok=True)
    return EntryRefused(f"the cache entry {path.name} was refused and deleted: {reason}")


def load_path(path: str | Path) -> object | None:
    """Load the entry at ``path`` after checking its folder, owner, mode and signature.

    Args:
        path: an entry's file, as returned by ``store`` (a notebook kernel is handed this).

    Returns:
        The stored object, or None if there is no such file.

    Raises:
        CacheError: the folder is not private to the user.
        EntryRefused: (a ``CacheError``) the entry is owned by someone else, open to others, a
            link, or its signature fails; it has been deleted.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        return None
    _check_folder(folder)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a symbolic link planted in place of an entry
            raise _refuse(path, "it is a link, not a file") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if info.st_uid != os.getuid():
            raise _refuse(path, f"it was written by another user (uid {info.st_uid})")
        if info.st_mode & _PRIVATE_BITS or not stat.S_ISREG(info.st_mode):
            raise _refuse(
                path, f"it is open to other users (mode {stat.S_IMODE(info.st_mode):04o})"
            )
        data = handle.read()
    head = len(MAGIC) + TAG_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        raise _refuse(path, "it is not a qaanalysis cache entry")
    tag, payload = data[len(MAGIC) : head], data[head:]
    if not hmac.compare_digest(tag, _tag(_key(folder), path.name, payload)):
        raise _refuse(path, "its signature does not match (altered, or signed with another key)")
    obj = pickle.loads(payload)  # authenticated above: written by this user's own cache
    os.utime(path)  # recently used entries are pruned last
    return obj


def load(kind: str, key: str, *, folder: Path | None = None) -> object | None:
    """The object stored as ``kind``/``key``, or None when absent, refused or the cache is off.

    A refused entry is deleted and the reason logged as a warning, so the caller simply rebuilds.

    Raises:
        CacheError: the cache folder is not the user's own and private.
    """
    if not enabled():
        return None
    folder = ensure_folder(folder)
    try:
        return load_path(path_for(kind, key, folder=folder))
    except EntryRefused as exc:
        log.warning("%s; it will be rebuilt", exc)
        return None


def _entries(folder: Path) -> list[tuple[Path, os.stat_result]]:
    found = []
    for path in folder.iterdir():
        if path.name.endswith(ENTRY_SUFFIX) or path.name.startswith(TEMP_PREFIX):
            try:
                found.append((path, path.lstat()))
            except FileNotFoundError:  # removed by another run meanwhile
                continue
    return found


def prune(
    *,
    max_age_days: float = DEFAULT_MAX_AGE_DAYS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    folder: Path | None = None,
    now: float | None = None,
) -> int:
    """Remove entries unused for ``max_age_days``, then the oldest until the rest fit ``max_bytes``.

    Temporary files of killed writes older than an hour go too. Call it at each run.

    Returns:
        The number of files removed (0 when the cache is off or has no folder yet).

    Raises:
        CacheError: the cache folder is not the user's own and private.
    """
    folder = Path(folder) if folder is not None else cache_dir()
    if not enabled() or not folder.is_dir():
        return 0
    _check_folder(folder)
    now = time.time() if now is None else now
    removed = 0
    kept = []
    for path, info in _entries(folder):
        age = now - info.st_mtime
        temporary = path.name.startswith(TEMP_PREFIX)
        if age > max_age_days * 86400 or (temporary and age > STALE_TEMP_SECONDS):
            path.unlink(missing_ok=True)
            removed += 1
        else:
            kept.append((path, info))
    total = sum(info.st_size for _, info in kept)
    for path, info in sorted(kept, key=lambda item: item[1].st_mtime):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= info.st_size
        removed += 1
    return removed


def clear(*, folder: Path | None = None) -> int:
    """Remove every entry (the signing key stays). Works even when the cache is turned off.

    Returns:
        The number of entries removed.

    Raises:
        CacheError: the cache folder is not the user's own and private.
    """
    folder = Path(folder) if folder is not None else cache_dir()
    if not folder.is_dir():
        return 0
    _check_folder(folder)
    removed = 0
    for path, _ in _entries(folder):
        path.unlink(missing_ok=True)
        removed += not path.name.startswith(TEMP_PREFIX)
    return removed


def info(*, folder: Path | None = None) -> dict:
    """What the cache holds: ``folder``, ``enabled``, ``entries``, ``bytes``, ``oldest`` (epoch s).

    Raises:
        CacheError: the cache folder exists but is not the user's own and private.
    """
    folder = Path(folder) if folder is not None else cache_dir()
    result = {"folder": str(folder), "enabled": enabled(), "entries": 0, "bytes": 0, "oldest": None}
    if folder.is_dir():
        _check_folder(folder)
        entries = [(p, i) for p, i in _entries(folder) if p.name.endswith(ENTRY_SUFFIX)]
        result["entries"] = len(entries)
        result["bytes"] = sum(i.st_size for _, i in entries)
        result["oldest"] = min((i.st_mtime for _, i in entries), default=None)
    return result
