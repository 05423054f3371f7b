"""Runs that talk: what a run is doing and for how long, shown on stderr.

``Progress`` is handed to the runner, which reports stages (loading the evidence, running the
notebooks, rendering, writing) and notebooks as they start and finish. What it shows depends on
where stderr goes:

- a terminal: one status line, rewritten in place (carriage return) with the stage, the notebooks
  done and running, and the elapsed time, refreshed twice a second; each finished stage and
  notebook leaves one permanent line;
- anything else (a scheduler's log, a file): only the permanent lines, one per finished stage and
  notebook, with no control characters;
- ``quiet=True`` (``--quiet``): nothing at all; errors are still reported by the command line.

A ``Progress`` is also callable with a message, so it can stand in for a ``log=print`` callback::

    with Progress(quiet=args.quiet) as progress:
        progress.stage("Loading evidence")
        ...
        progress.stage("Running notebooks", total=5)
        progress.notebook_started("10_audits")
        progress.notebook_finished("10_audits")
        ...
        progress.finish()
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

# How often the status line is redrawn on a terminal, in seconds.
REFRESH_SECONDS = 0.5


def _seconds(value: float) -> str:
    if value < 60:
        return f"{value:.1f} s"
    minutes, seconds = divmod(int(round(value)), 60)
    return f"{minutes} min {seconds:02d} s"


class Progress:
    """Reports a run's stages and notebooks with elapsed times (see the module docstring).

    Args:
        stream: where to write (default: ``sys.stderr``).
        quiet: write nothing.
        interactive: rewrite a status line in place; default: whether ``stream`` is a terminal.
        clock: seconds as a float (for tests); default ``time.monotonic``.
        refresh: seconds between redraws of the status line on a terminal; None for no redraws
            between events.
    """

    def __init__(
        self,
        *,
        stream: TextIO | None = None,
        quiet: bool = False,
        interactive: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        refresh: float | None = REFRESH_SECONDS,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        if interactive is None:
            interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interactive = interactive and not quiet
        self._clock = clock
        self._refresh = refresh
        self._lock = threading.RLock()
        self._started = clock()
        self._stage: str | None = None
        self._stage_started = 0.0
        self._total: int | None = None
        self._done = 0
        self._running: dict[str, float] = {}
        self._status_width = 0
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # -- what the runner calls -------------------------------------------------------------

    def __call__(self, message: str) -> None:
        """Show a message on its own line (a stand-in for ``print`` in a ``log`` callback)."""
        self._line(message)

    def stage(self, name: str, *, total: int | None = None) -> None:
        """Begin a stage, ending the one before.

        Args:
            name: what the run is doing, e.g. "Running notebooks".
            total: how many notebooks the stage will run, if it runs notebooks.
        """
        with self._lock:
            self._end_stage()
            self._stage, self._stage_started = name, self._clock()
            self._total, self._done, self._running = total, 0, {}
            self._draw()
        self._start_ticker()

    def notebook_started(self, name: str) -> None:
        """A notebook has started (may be called from a worker thread)."""
        with self._lock:
            self._running[name] = self._clock()
            self._draw()

    def notebook_finished(self, name: str, *, ok: bool = True) -> None:
        """A notebook has finished, or failed when ``ok`` is False (may be called from a worker
        thread)."""
        with self._lock:
            started = self._running.pop(name, self._stage_started)
            self._done += 1
            elapsed = _seconds(self._clock() - started)
            self._line(f"  {name}: {'done in' if ok else 'FAILED after'} {elapsed}")

    def finish(self, message: str | None = None) -> None:
        """End the last stage and show the total time (and ``message``, if given)."""
        with self._lock:
            self._end_stage()
            total = _seconds(self._clock() - self._started)
            self._line(f"{message} ({total} in all)" if message else f"Finished in {total}")
        self._stop_ticker()

    def fail(self) -> None:
        """End the run without a summary, after an error the command line will report."""
        with self._lock:
            if self._stage is not None:
                self._line(f"{self._stage}: stopped after {_seconds(self._elapsed_in_stage())}")
                self._stage = None
        self._stop_ticker()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:
            self.fail()
        else:
            self._stop_ticker()

    # -- drawing -----------------------------------------------------------------------

    def _elapsed_in_stage(self) -> float:
        return self._clock() - self._stage_started

    def _end_stage(self) -> None:
        if self._stage is None:
            return
        counted = f" ({self._done} of {self._total})" if self._total else ""
        self._line(f"{self._stage}{counted}: done in {_seconds(self._elapsed_in_stage())}")
        self._stage = None

    def _status(self) -> str:
        parts = [self._stage or ""]
        if self._total:
            parts.append(f"{self._done} of {self._total} done")
        if self._running:
            parts.append("running " + ", ".join(self._running))
        return f"{', '.join(parts)} ... {_seconds(self._elapsed_in_stage())}"

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def _clear(self) -> None:
        if self._status_width:
            self._write("\r" + " " * self._status_width + "\r")
            self._status_width = 0

    def _draw(self) -> None:
        if not self.interactive or self._stage is None:
            return
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)  # never wrap: \r must work
        status = self._status()[:width]
        self._clear()
        self._write(status)
        self._status_width = len(status)

    def _line(self, text: str) -> None:
        if self.quiet:
            return
        with self._lock:
            self._clear()
            self._write(text + "\n")
            self._draw()

    def _start_ticker(self) -> None:
        if not self.interactive or not self._refresh or self._ticker is not None:
            return

        def tick() -> None:
            while not self._stop.wait(self._refresh):
                with self._lock:
                    self._draw()

        self._ticker = threading.Thread(target=tick, name="qaanalysis-progress", daemon=True)
        self._ticker.start()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
        with self._lock:
            self._clear()


class LogProgress:
    """The reporter's interface over a plain ``log`` callable (for callers of ``run_pack`` that
    pass ``log=``, such as tests and scripts): one line per stage and notebook."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self._log = log

    def __call__(self, message: str) -> None:
        self._log(message)

    def stage(self, name: str, *, total: int | None = None) -> None:
        self._log(name + (f" ({total} notebooks)" if total else ""))

    def notebook_started(self, name: str) -> None:
        pass

    def notebook_finished(self, name: str, *, ok: bool = True) -> None:
        self._log(f"  {'ran' if ok else 'FAILED'} {name}")
