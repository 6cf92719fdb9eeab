"""The runner's kernels: forked from a preloaded server, over private IPC sockets, and giving the
committed outputs byte for byte (nbval checks the same outputs with ordinary kernels)."""
import os
import signal
import stat
import time
from pathlib import Path

import pytest

from helpers import forkserver, kernels, paths, run_notebooks

pytestmark = pytest.mark.skipif(not forkserver.available(), reason="the fork server needs fork and Unix sockets")

CLEAN_NOTEBOOK = paths.NOTEBOOKS / "01-clean.ipynb"
INDICATOR_NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("0[2-9]*.ipynb"))


@pytest.fixture(scope="module")
def server():
    with kernels.fork_server() as running:
        yield running


@pytest.fixture
def kernel(server):
    manager, client = start_kernel(server.address)
    yield manager, client
    stop_kernel(manager, client)


def start_kernel(address: str, **traits):
    manager = kernels.ForkServerKernelManager(kernel_name=kernels.KERNEL, fork_server=address, **traits)
    manager.start_kernel(cwd=str(paths.ROOT))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


def stop_kernel(manager, client) -> None:
    client.stop_channels()
    if manager.has_kernel:
        manager.shutdown_kernel(now=True)


def run_code(client, code: str, timeout: float = 60) -> tuple[str, str]:
    """Run `code`; return its reply status and what it printed (or the error's name)."""
    printed = []

    def collect(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            printed.append(message["content"]["ename"])

    reply = client.execute_interactive(code, output_hook=collect, timeout=timeout)
    return reply["content"]["status"], "".join(printed).strip()


def gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_kernel_is_forked_from_the_server_with_the_notebook_modules_imported(server, kernel):
    _, client = kernel
    status, printed = run_code(client, "import os, sys\n"
                                       "print(os.getppid(), 'pandas' in sys.modules, 'seaborn' in sys.modules,"
                                       " os.getcwd() == sys.path[0])")
    assert status == "ok"
    assert printed == f"{server.process.pid} True True True"


def test_pandas_shows_what_it_shows_in_an_ordinary_kernel(kernel):
    # imported by the server, pandas must still believe it runs in a Jupyter kernel
    status, printed = run_code(kernel[1], "import pandas\nprint(pandas.get_option('display.max_columns'))")
    assert (status, printed) == ("ok", "20")


def test_kernel_sockets_are_private_files_removed_at_shutdown(server):
    manager, client = start_kernel(server.address)
    folder = Path(manager.ip).parent
    assert manager.transport == "ipc"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    stop_kernel(manager, client)
    assert not folder.exists()


def test_an_interrupt_reaches_the_forked_kernel(kernel):
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


def test_a_kernel_whose_relay_is_killed_is_killed_too(server):
    manager, client = start_kernel(server.address)
    _, kernel_pid = run_code(client, "import os\nprint(os.getpid())")
    manager.signal_kernel(signal.SIGKILL)  # what jupyter_client sends last; the relay cannot pass it on
    assert gone(int(kernel_pid))
    stop_kernel(manager, client)


def test_stopping_the_server_stops_its_kernels():
    with kernels.fork_server() as server:
        manager, client = start_kernel(server.address)
        _, kernel_pid = run_code(client, "import os\nprint(os.getpid())")
    assert gone(int(kernel_pid))
    stop_kernel(manager, client)


def test_a_module_the_server_cannot_import_is_left_to_the_kernel():
    with kernels.fork_server(["helpers.no_such_module", "helpers.paths"]) as server:
        manager, client = start_kernel(server.address)
        status, printed = run_code(client, "import os, sys\nprint(os.getppid(), 'helpers.paths' in sys.modules)")
        assert (status, printed) == ("ok", f"{server.process.pid} True")
        status, printed = run_code(client, "import helpers.no_such_module")
        assert (status, printed) == ("error", "ModuleNotFoundError")
        stop_kernel(manager, client)


def test_without_a_server_the_relay_runs_an_ordinary_kernel(tmp_path):
    manager, client = start_kernel(str(tmp_path / "no-server"))
    status, printed = run_code(client, "import os\nprint(os.getpid())")
    assert status == "ok"
    assert int(printed) == manager.provisioner.pid  # the relay's own process became the kernel
    stop_kernel(manager, client)


def test_the_runner_reproduces_every_committed_notebook_byte_for_byte(tmp_path):
    if not (paths.DATA_CLEAN / "indicators.csv").is_file():
        pytest.skip("no clean layer in data/clean: run `make report` first")
    run_notebooks.run(INDICATOR_NOTEBOOKS, tmp_path, {}, jobs=len(INDICATOR_NOTEBOOKS), first=CLEAN_NOTEBOOK)
    for committed in [CLEAN_NOTEBOOK, *INDICATOR_NOTEBOOKS]:
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), \
            f"{committed.name}: the runner's output differs from the committed notebook"


def test_when_the_first_notebook_fails_the_others_do_not_run(tmp_path):
    notebook = paths.NOTEBOOKS / "04-chip-id-cards.ipynb"
    with pytest.raises(run_notebooks.NotebookFailed, match=r"01-clean\.ipynb.*as_of='2023-02-30'"):
        run_notebooks.run([notebook], tmp_path, {"as_of": "2023-02-30"}, jobs=2, first=CLEAN_NOTEBOOK)
    assert not any(tmp_path.iterdir())
