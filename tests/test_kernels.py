"""The runner's kernels: ordinary ipykernel processes on private IPC sockets, giving the committed
outputs byte for byte."""
import json
import shutil
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


def test_kernel_sockets_and_key_are_private_files_removed_at_shutdown(kernel):
    manager, client = kernel
    folder = Path(manager.ip).parent
    connection_file = Path(manager.connection_file)
    assert manager.transport == "ipc"
    assert stat.S_IMODE(folder.stat().st_mode) & 0o777 == 0o700  # jupyter_client adds the sticky bit
    assert connection_file.parent == folder and stat.S_IMODE(connection_file.stat().st_mode) == 0o600
    assert json.loads(connection_file.read_text())["key"] == manager.session.key.decode()
    assert all(path.is_socket() for path in folder.iterdir() if path != connection_file)
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
    # the shell channel may still hold the reply to the client's readiness check: skip to this cell's reply
    reply = client.get_shell_msg(timeout=30)
    while reply["parent_header"]["msg_id"] != message_id:
        reply = client.get_shell_msg(timeout=30)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - started < 30


def test_the_runner_reproduces_every_committed_notebook_byte_for_byte(tmp_path):
    if not (paths.DATA_CLEAN / paths.CLEAN_INDICATORS).is_file():
        pytest.skip("no clean layer in data/clean: run `make report` first")
    # in place, as `make notebooks` runs them: a run into another folder would send its charts there
    copies = [Path(shutil.copy(notebook, tmp_path)) for notebook in NOTEBOOKS]
    notebooks.run(copies, None, {}, jobs=3)
    for committed in NOTEBOOKS:
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), \
            f"{committed.name}: the runner's output differs from the committed notebook"


def test_a_failing_notebook_reports_its_own_error_and_writes_nothing(tmp_path):
    notebook = paths.NOTEBOOKS / "04-chip-id-cards.ipynb"
    with pytest.raises(notebooks.NotebookFailed, match=r"04-chip-id-cards\.ipynb.*as_of='2023-02-30'"):
        notebooks.run([notebook], tmp_path, {"as_of": "2023-02-30"}, jobs=1)
    assert not any(tmp_path.iterdir())
