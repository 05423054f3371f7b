"""Notebook kernels that talk over private local sockets, so they need no encryption warning.

By default a Jupyter kernel listens on TCP ports of 127.0.0.1, and ipykernel (7.x) warns on every
start: "Kernel is running over TCP without encryption ... Use IPC transport or launch with kernel
manager-provisioned CurveZMQ keys". Any local user can connect to such ports (messages are signed
with the kernel's key, but the ports are open to them).

``QuietKernelManager`` uses the IPC transport instead: the kernel's five channels are Unix domain
sockets inside a fresh folder that only the current user can open (``mkdtemp``: mode 0700). They
never leave this machine and no other local user can reach them, so there is nothing to encrypt
and the kernel has nothing to warn about. The warning is avoided at its cause, not filtered.

Pass the class to papermill, which hands it on to nbclient::

    papermill.execute_notebook(..., kernel_manager_class=QuietKernelManager)

The runner does not start a kernel per notebook: :class:`KernelPool` starts a few such kernels
while the evidence loads, has each import what the notebooks need, and runs the pack's notebooks in
them one after another, clearing each kernel's names between notebooks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from jupyter_client.manager import AsyncKernelManager

# Unix socket paths are limited to about 107 bytes: keep the folder short, in the system temporary
# folder rather than under a possibly long home folder.
SOCKET_FOLDER_PREFIX = "qaanalysis-kernel-"


class QuietKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel listens on Unix sockets in a private folder.

    The folder is made when the kernel starts and removed when it is cleaned up.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)
        self._socket_folder: str | None = None

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.transport == "ipc" and self._socket_folder is None:
            self._socket_folder = tempfile.mkdtemp(prefix=SOCKET_FOLDER_PREFIX)  # mode 0700
            self.ip = os.path.join(self._socket_folder, "kernel")
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._socket_folder is not None:
            shutil.rmtree(self._socket_folder, ignore_errors=True)
            self._socket_folder = None


def quiet_kernel_manager() -> type[QuietKernelManager]:
    """The kernel manager class to pass to ``papermill.execute_notebook(kernel_manager_class=...)``.

    Returns:
        ``QuietKernelManager``: kernels on Unix sockets in a private folder, so no TCP ports and no
        "running over TCP without encryption" warning.
    """
    return QuietKernelManager


# ---------------------------------------------------------------- kernels shared by a pack

# Run in each kernel as soon as it starts, while the runner loads the evidence: the imports every
# notebook needs (pandas, matplotlib, seaborn, the suite) and a first chart (font cache, backend),
# so that no notebook waits for them.
WARM_UP = """\
import io as _io
import matplotlib.pyplot as _plt
import qaanalysis.session as _session
_figure = _plt.figure(figsize=(1, 1))
_figure.savefig(_io.BytesIO(), format="png")
_plt.close("all")
del _io, _plt, _session, _figure
"""

# Run before each notebook in a kernel: its figures closed, the findings it is to show named, and
# every name an earlier notebook made removed (modules stay imported), so each notebook runs as it
# would on its own.
PRELUDE = """\
import os, matplotlib.pyplot
matplotlib.pyplot.close("all")
{environment}
get_ipython().run_line_magic("reset", "-f")
"""


class KernelError(RuntimeError):
    """A shared kernel could not start or could not be prepared for a notebook."""


class _Kernel:
    """One kernel and the thread that talks to it (its event loop lives on that thread)."""

    def __init__(self, *, kernel_name: str, cwd: str, start_timeout: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.kernel_name = kernel_name
        self.cwd = cwd
        self.start_timeout = start_timeout
        self.manager: QuietKernelManager | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qaanalysis-kernel")
        self.ready = self._thread.submit(self._start)

    def _run(self, coroutine):
        from jupyter_core.utils import ensure_event_loop

        return ensure_event_loop().run_until_complete(coroutine)

    def _start(self) -> None:
        self.manager = QuietKernelManager(kernel_name=self.kernel_name)
        self._run(self.manager.start_kernel(cwd=self.cwd))
        self._code(WARM_UP)

    def _code(self, code: str) -> None:
        """Run ``code`` in the kernel silently; raise :class:`KernelError` if it fails."""
        client = self.manager.client()
        client.start_channels()
        try:
            self._run(client.wait_for_ready(timeout=self.start_timeout))
            reply = self._run(
                client.execute_interactive(
                    code,
                    silent=True,
                    store_history=False,
                    timeout=self.start_timeout,
                    output_hook=lambda _msg: None,
                )
            )
        finally:
            client.stop_channels()
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(
                f"the notebook kernel failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def call(self, func, *args):
        """``func(manager, *args)`` on this kernel's thread, after the kernel is ready."""
        return self._thread.submit(self._call, func, *args).result()

    def _call(self, func, *args):
        self.ready.result()  # raises if the kernel did not start
        if not self._run(self.manager.is_alive()):  # an earlier notebook ended it: a new one
            self._stop()
            self._start()
        return func(self.manager, *args)

    def _stop(self) -> None:
        if self.manager is not None and self.manager.has_kernel:
            self._run(self.manager.shutdown_kernel(now=True))

    def prepare(self, environment: dict[str, str | None]) -> None:
        """Before a notebook: figures closed, ``environment`` set (None: removed), names cleared."""
        lines = [
            f"os.environ[{k!r}] = {v!r}" if v is not None else f"os.environ.pop({k!r}, None)"
            for k, v in environment.items()
        ]
        self.call(lambda _manager: self._code(PRELUDE.format(environment="\n".join(lines))))

    def shutdown(self) -> None:
        try:
            self._thread.submit(self._stop).result()
        except Exception:  # noqa: BLE001 - a kernel that failed to start has nothing to stop
            pass
        finally:
            self._thread.shutdown(wait=True)


class KernelPool:
    """A few kernels started early (``size``, at most the machine's processors) and reused, one
    notebook after another, for every notebook of a pack.

    Starting a kernel and importing pandas, matplotlib, seaborn and the suite costs each kernel
    a few seconds of processor time: five kernels on two cores spent most of a pack's notebook
    time doing it. The pool's kernels start (and import) while the runner loads the evidence, and
    each runs its share of the notebooks in turn. Before each notebook the kernel's names are
    cleared, so a notebook can use nothing an earlier one made: each still runs on its own, as in
    JupyterLab.

    Use as a context manager; the kernels are shut down on leaving it::

        with KernelPool(2, kernel_name="qaanalysis", cwd=notebook_dir) as pool:
            results = pool.map(run_one, notebooks)
    """

    def __init__(
        self, size: int, *, kernel_name: str, cwd: str | os.PathLike, start_timeout: int = 60
    ) -> None:
        size = max(1, min(size, os.cpu_count() or 1))
        self._kernels = [
            _Kernel(kernel_name=kernel_name, cwd=str(cwd), start_timeout=start_timeout)
            for _ in range(size)
        ]

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()

    def map(self, func, items: list, *, environment: dict[str, str | None] | None = None):
        """Call ``func(manager, item)`` for each item on the next free kernel, after clearing it.

        Returns:
            ``{item: future}`` in the order of ``items``; each future holds ``func``'s result or
            its exception.
        """
        import queue
        from concurrent.futures import ThreadPoolExecutor

        free: queue.Queue[_Kernel] = queue.Queue()
        for kernel in self._kernels:
            free.put(kernel)

        def task(item):
            kernel = free.get()
            try:
                kernel.prepare(environment or {})
                return kernel.call(func, item)
            finally:
                free.put(kernel)

        with ThreadPoolExecutor(max_workers=len(self._kernels)) as threads:
            futures = {item: threads.submit(task, item) for item in items}
        return futures

    def shutdown(self) -> None:
        for kernel in self._kernels:
            kernel.shutdown()
