"""A run of the notebooks stopped at any moment, by Ctrl-C or SIGTERM, or by a failing notebook, leaves nothing
behind: no kernel, worker, socket folder, connection file, scratch folder or temporary file, and no file it wrote is
incomplete; the next run gives the same bytes as one never interrupted.

The moments are states of the run (a file written, a kernel's connection file there), never times: each test
waits for its state, checking meanwhile that the run has not ended, within a limit far beyond a whole run.
"""
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import helpers
from helpers import files as output_files, paths

# More notebooks than workers on two cores, so that a stop also finds notebooks waiting for a worker.
INDICATOR_NOTEBOOKS = sorted(nb for nb in paths.NOTEBOOKS.glob("*.ipynb") if nb.name != paths.CLEAN_NOTEBOOK)[:3]
SOURCE = Path(helpers.__file__).parents[1]  # the code under test, for the runner's own process too
RUN_SECONDS = 300  # far beyond a whole run on a loaded machine: a run still going then is stuck
POLL_SECONDS = 0.01  # how often a state is looked at while waiting for it


@pytest.fixture(scope="module")
def clean_layer():
    if not (paths.DATA_CLEAN / paths.CLEAN_INDICATORS).is_file():
        pytest.skip("no clean layer in data/clean: run `make report` first")


def start_run(out: Path, tmpdir: Path, *parameters: str, notebooks=INDICATOR_NOTEBOOKS) -> subprocess.Popen:
    """The runner in a process group of its own, as under make in a terminal, with its temporary folders in `tmpdir`
    and its charts in `out`."""
    tmpdir.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmpdir),
           "PYTHONPATH": os.pathsep.join([str(SOURCE), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "helpers.run.notebooks", "--output-dir", str(out),
               "-p", "figures_dir", str(out / "figures"), *parameters, *map(str, notebooks)]
    return subprocess.Popen(command, cwd=paths.ROOT, env=env, start_new_session=True, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(run: subprocess.Popen) -> str:
    """Wait for the run to end; its standard error."""
    _, errors = run.communicate(timeout=RUN_SECONDS)
    return errors


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for(state, what: str) -> None:
    deadline = time.monotonic() + RUN_SECONDS
    while not state():
        assert time.monotonic() < deadline, f"still waiting, after {RUN_SECONDS} s, for {what}"
        time.sleep(POLL_SECONDS)


def processes_of(tmpdir: Path) -> dict[int, str]:
    """pid -> command line of the running processes whose TMPDIR is `tmpdir`: the run's runner, workers and
    kernels, and multiprocessing's helpers (which end on their own once the runner has)."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            environment = (proc / "environ").read_bytes().split(b"\0")
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        if f"TMPDIR={tmpdir}".encode() in environment:
            found[int(proc.name)] = command
    return found


def is_multiprocessing_helper(command: str) -> bool:
    return "from multiprocessing." in command  # the fork server and the resource tracker


def assert_nothing_left(out: Path, tmpdir: Path) -> None:
    if Path("/proc").is_dir():
        assert [c for c in processes_of(tmpdir).values() if not is_multiprocessing_helper(c)] == [], \
            "a worker or kernel of the run is still running"
        wait_for(lambda: not processes_of(tmpdir), "multiprocessing's helpers to end")
    assert sorted(p.name for p in tmpdir.iterdir()) == [], "temporary folders or files left in TMPDIR"
    assert sorted(str(p) for p in out.rglob(".*")) == [], "atomic-write temporaries left beside the outputs"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """Where every run of this module writes; the same folder each time, since a run's notebooks name it."""
    return tmp_path_factory.mktemp("runs") / "out"


@pytest.fixture(scope="module")
def uninterrupted(clean_layer, out, tmp_path_factory) -> dict[str, bytes]:
    """The files of a run never interrupted: its executed notebooks and, in its own figures folder, its charts."""
    tmpdir = tmp_path_factory.mktemp("uninterrupted") / "tmp"
    run = start_run(out, tmpdir)
    errors = finish(run)
    assert run.returncode == 0, errors
    assert_nothing_left(out, tmpdir)
    written = files(out)
    shutil.rmtree(out)
    return written


def started(out: Path, tmpdir: Path) -> bool:
    return True  # as soon as the runner's process exists, perhaps before it has taken the signals over


def connection_files(tmpdir: Path) -> list[Path]:
    return list(tmpdir.glob("notebook-*/connection.json"))


def kernel_started(out: Path, tmpdir: Path) -> bool:
    return any(file.stat().st_size for file in connection_files(tmpdir) if file.exists())


def chart_file_exists(out: Path, tmpdir: Path) -> bool:
    return any((out / "figures").glob("*"))  # also a chart still being written, under its temporary name


def notebook_written(out: Path, tmpdir: Path) -> bool:
    return any(out.glob("*.ipynb"))


def interrupt(out: Path, tmpdir: Path, moment, signum: int, whole_group: bool) -> subprocess.Popen:
    """Start a run into an empty `out` and send it `signum` once the run is in the state `moment`."""
    shutil.rmtree(out, ignore_errors=True)
    run = start_run(out, tmpdir)

    def reached() -> bool:
        assert run.poll() is None, f"the run ended before the moment to stop it: {run.communicate()[1]}"
        return moment(out, tmpdir)

    wait_for(reached, moment.__name__)
    if whole_group:  # as Ctrl-C in a terminal, or make passing a signal on
        os.killpg(run.pid, signum)
    else:
        os.kill(run.pid, signum)
    return run


def assert_stopped_cleanly(run: subprocess.Popen, out: Path, tmpdir: Path, signum: int, uninterrupted: dict,
                           handled: bool = True) -> None:
    """The run ended on the signal, left nothing behind, and every file it wrote is whole."""
    errors = finish(run)
    if handled:
        # a kernel stopped mid-message may print zmq's complaints on its own stderr, which it shares with the
        # runner; the runner's own last word is the stop, and no traceback of the runner comes before it
        assert run.returncode == 128 + signum, errors
        assert errors.splitlines()[-1] == f"stopped by {signal.Signals(signum).name}", errors
        assert "helpers/run" not in errors, errors
    else:  # perhaps before the runner took the signals over: Python's own exit then
        assert run.returncode in (128 + signum, -signum), errors
    assert_nothing_left(out, tmpdir)
    partial = files(out)
    assert [name for name in partial if partial[name] != uninterrupted.get(name)] == [], \
        "a file of the stopped run differs from the same file of a whole run"


@pytest.mark.parametrize("moment, signum, whole_group", [
    (started, signal.SIGINT, True),
    (kernel_started, signal.SIGTERM, False),
    (chart_file_exists, signal.SIGTERM, False),
    (notebook_written, signal.SIGTERM, True),
], ids=["ctrl-c-as-the-run-starts", "sigterm-once-a-kernel-runs", "sigterm-while-charts-are-written",
        "sigterm-to-the-group-once-a-notebook-is-written"])
def test_a_stopped_run_leaves_nothing_behind_and_no_incomplete_file(out, tmp_path, uninterrupted, moment, signum,
                                                                    whole_group):
    run = interrupt(out, tmp_path / "tmp", moment, signum, whole_group)
    assert_stopped_cleanly(run, out, tmp_path / "tmp", signum, uninterrupted, handled=moment is not started)


def test_a_kernel_talks_over_private_ipc_sockets(clean_layer, out, tmp_path):
    """Its sockets and the connection file holding its key are files only this user can open, in the worker's
    scratch folder (which the tests above see removed), not ports on localhost that any user can reach."""
    run = interrupt(out, tmp_path / "tmp", kernel_started, signal.SIGTERM, False)
    connection_file = connection_files(tmp_path / "tmp")[0]
    connection = json.loads(connection_file.read_text())
    modes = [path.stat().st_mode & 0o777 for path in (connection_file.parent, connection_file)]  # jupyter_client adds the sticky bit
    finish(run)
    assert connection["transport"] == "ipc" and Path(connection["ip"]).parent == connection_file.parent
    assert modes == [0o700, 0o600]


def test_the_run_after_a_stopped_one_gives_the_same_bytes(out, tmp_path, uninterrupted):
    run = interrupt(out, tmp_path / "tmp", chart_file_exists, signal.SIGINT, True)
    assert_stopped_cleanly(run, out, tmp_path / "tmp", signal.SIGINT, uninterrupted)
    rerun = start_run(out, tmp_path / "tmp")
    errors = finish(rerun)
    assert rerun.returncode == 0, errors
    assert_nothing_left(out, tmp_path / "tmp")
    assert files(out) == uninterrupted


def interrupt_at_line(step: int, write) -> bool:
    """Run `write`, with a KeyboardInterrupt at the `step`-th line it runs in helpers.files; whether it came."""
    lines = 0

    def each_line(frame, event, arg):
        nonlocal lines
        if event == "line":
            lines += 1
            if lines == step:
                raise KeyboardInterrupt
        return each_line

    sys.settrace(lambda frame, event, arg: each_line if frame.f_code.co_filename == output_files.__file__ else None)
    try:
        write()
    except KeyboardInterrupt:
        return True
    finally:
        sys.settrace(None)
    return False


def test_an_interrupt_at_any_line_of_a_write_leaves_each_file_whole_and_no_temporary(tmp_path):
    old = {tmp_path / "a.csv": "old a\n", tmp_path / "b.csv": "old b\n"}
    new = {tmp_path / "a.csv": "new a\n", tmp_path / "b.csv": "new b\n"}
    step = 0
    while True:
        step += 1
        for target, text in old.items():
            target.write_text(text)
        interrupted = interrupt_at_line(step, lambda: output_files.write_files_atomic(new))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"], f"interrupted at line {step}"
        assert all(target.read_text() in (old[target], new[target]) for target in old), f"interrupted at line {step}"
        if not interrupted:
            break
    assert all(target.read_text() == new[target] for target in new) and step > 10


def test_a_failing_run_leaves_nothing_behind(clean_layer, out, tmp_path):
    shutil.rmtree(out, ignore_errors=True)
    run = start_run(out, tmp_path / "tmp", "-p", "as_of", "2023-02-30", notebooks=INDICATOR_NOTEBOOKS[:2])
    errors = finish(run)
    # kernels share the runner's stderr, and ipykernel may log the interrupt that jupyter_client sends before it
    # shuts a kernel down: the runner's own last word is the notebook's error
    last = errors.splitlines()[-1]
    assert run.returncode == 1 and last.startswith("error: ") and "as_of='2023-02-30'" in last, errors
    assert_nothing_left(out, tmp_path / "tmp")
    assert files(out) == {}
