"""The kernel manager of the project's runner and of nbval: kernels on IPC sockets in a private folder.

jupyter_client starts kernels on TCP localhost by default, which any user of a shared machine can
reach; this manager puts the kernel's sockets in a private temporary folder instead (IPC transport).
"""
import os
import shutil
import tempfile

from jupyter_client.manager import KernelManager
from jupyter_core.utils import run_sync

KERNEL = "python3"


class IPCKernelManager(KernelManager):
    """A kernel whose sockets are files in a private temporary folder, removed when the kernel shuts down."""

    def __init__(self, **kwargs):
        self._socket_folder = None
        if os.name == "posix" and "transport" not in kwargs:
            self._socket_folder = tempfile.mkdtemp(prefix="kernel-")  # mode 0700
            kwargs.update(transport="ipc", ip=os.path.join(self._socket_folder, "ipc"))
        super().__init__(**kwargs)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._socket_folder and not restart:
            shutil.rmtree(self._socket_folder, ignore_errors=True)

    cleanup_resources = run_sync(_async_cleanup_resources)
