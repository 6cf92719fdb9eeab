"""The runner's kernels: ordinary ipykernel processes on private IPC sockets, giving the committed
outputs byte for byte."""
import stat
import time
from pathlib import Path

import pytest

from helpers import paths
from helpers.run import kernels, notebooks

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))


@pytest.fixture
def kernel():
    manager = kernels.IPCKernelManager(kernel_name=kernels.KERNEL)
    manager.start_kernel(cwd=str(paths.ROOT))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    yield manager, client
    client.stop_channels()
    if manager.has_kernel:
        manager.shutdown_kernel(now=True)
    manager.cleanup_resources()


def test_kernel_sockets_are_private_files_removed_at_shutdown(kernel):
    manager, client = kernel
    folder = Path(manager.ip).parent
    assert manager.transport == "ipc"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(path.is_socket() for path in folder.iterdir())
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    manager.cleanup_resources()
    assert not folder.exists()


def test_an_interrupt_reaches_the_kernel(kernel):
    manager, client = kernel
    started = time.monotonic()
    message_id = client.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(60)")
    while not (client.get_iopub_msg(timeout=30)["msg_type"] == "stream"):
        pass  # interrupt once the cell runs
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == message_id
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - started < 30


def test_the_runner_reproduces_every_committed_notebook_byte_for_byte(tmp_path):
    if not (paths.DATA_CLEAN / paths.CLEAN_INDICATORS).is_file():
        pytest.skip("no clean layer in data/clean: run `make report` first")
    notebooks.run(NOTEBOOKS, tmp_path, {}, jobs=3)
    for committed in NOTEBOOKS:
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), \
            f"{committed.name}: the runner's output differs from the committed notebook"


def test_a_failing_notebook_reports_its_own_error_and_writes_nothing(tmp_path):
    notebook = paths.NOTEBOOKS / "04-chip-id-cards.ipynb"
    with pytest.raises(notebooks.NotebookFailed, match=r"04-chip-id-cards\.ipynb.*as_of='2023-02-30'"):
        notebooks.run([notebook], tmp_path, {"as_of": "2023-02-30"}, jobs=1)
    assert not any(tmp_path.iterdir())
