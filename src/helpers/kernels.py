"""The kernel managers of the project's runner and of nbval: IPC sockets, and kernels from a fork server.

jupyter_client starts kernels on TCP localhost by default, which any user of a shared machine can
reach; these managers put the kernel's sockets in a private temporary folder instead (IPC transport).
"""
import os
import shutil
import tempfile

from jupyter_client.manager import KernelManager
from jupyter_core.utils import run_sync
from traitlets import Bool, Unicode

from helpers import forkserver

KERNEL = "python3"
# What the notebooks import: a fork server imports them once for all the kernels of a run.
PRELOAD = ("helpers.pipeline", "helpers.analysis", "helpers.families", "helpers.notebook")


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


class ForkServerKernelManager(IPCKernelManager):
    """An IPC kernel forked by the run's fork server; any other kernel spec starts as usual."""

    fork_server = Unicode("", help="address of the run's helpers.forkserver server; empty: ordinary kernels")
    at_once = Bool(False, help="fork before the server has imported everything (for the notebook the others wait for)")

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        if self.fork_server and forkserver.split_kernel_command(command):
            return forkserver.relay_command(self.fork_server, command, self.at_once)
        return command


def fork_server(preload=PRELOAD) -> forkserver.ForkServer | None:
    """A fork server for the project's kernel spec, or None where the platform or the spec rules it out."""
    split = forkserver.split_kernel_command(KernelManager(kernel_name=KERNEL).kernel_spec.argv)
    if not (forkserver.available() and split):
        return None
    interpreter, _ = split
    return forkserver.ForkServer(interpreter, list(preload))
