"""The kernel manager of the project's runner and of nbval: kernels on IPC sockets in a private folder.

jupyter_client starts kernels on TCP localhost by default, which any user of a shared machine can
reach; this manager puts the kernel's sockets in a private temporary folder instead (IPC transport),
with the connection file that holds the kernel's key, so that removing the folder leaves nothing behind.
"""
import os
import shutil
import tempfile

from jupyter_client.manager import KernelManager
from jupyter_core.utils import run_sync

from helpers.run import forked

KERNEL = "python3"
# A kernel exits within 0.1-0.2 s of a shutdown request, or hangs for seconds: it gets this long, and is looked
# at this often meanwhile (jupyter_client's default, a tenth of a second, keeps a run waiting on an ended kernel).
KERNEL_EXIT_SECONDS = 0.3
KERNEL_EXIT_POLL_SECONDS = 0.01


class IPCKernelManager(KernelManager):
    """A kernel whose sockets and connection file are in a private temporary folder, removed at shutdown.

    Given a `spare` (helpers.run.forked.SpareKernel), the kernel starts in it, through the provisioner that the
    kernel spec's metadata names, instead of as a new interpreter.
    """

    def __init__(self, spare=None, **kwargs):
        self.spare = spare
        self._socket_folder = None
        if os.name == "posix" and "transport" not in kwargs:
            self._socket_folder = tempfile.mkdtemp(prefix="kernel-")  # mode 0700
            kwargs.update(transport="ipc", ip=os.path.join(self._socket_folder, "ipc"),
                          connection_file=os.path.join(self._socket_folder, "connection.json"))
        super().__init__(**kwargs)
        if spare is not None:
            self.kernel_spec.metadata["kernel_provisioner"] = {"provisioner_name": forked.PROVISIONER}

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._socket_folder and not restart:
            shutil.rmtree(self._socket_folder, ignore_errors=True)

    cleanup_resources = run_sync(_async_cleanup_resources)

    def stop(self) -> None:
        """Stop the kernel if it runs, and remove its folder whether it ever started or not.

        A kernel that runs no cell is asked to stop, without the interrupt that shutdown_kernel() sends first
        and the kernel logs, and terminated if it has not stopped in time: ipykernel now and then hangs on exit.
        """
        if self.has_kernel:
            self.request_shutdown()
            self.finish_shutdown(waittime=2 * KERNEL_EXIT_SECONDS, pollinterval=KERNEL_EXIT_POLL_SECONDS)
        if self.spare is not None:  # a spare that never became the kernel
            self.spare.discard()
            self.spare = None
        self.cleanup_resources()
