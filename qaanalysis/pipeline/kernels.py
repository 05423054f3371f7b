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
