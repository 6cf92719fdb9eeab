"""Execute notebooks with papermill, several at once, into a build folder or in place.

    python -m helpers.run.notebooks --output-dir build/notebooks notebooks/02-egov-ranks.ipynb ...
    python -m helpers.run.notebooks --in-place notebooks/*.ipynb
    python -m helpers.run.notebooks --output-dir build/try -p start_year 2020 notebooks/02-egov-ranks.ipynb

Kernels are ordinary ipykernel processes that talk to the driver over IPC sockets (files only this
user can open) instead of TCP on localhost, so other users of a shared machine cannot reach a
running kernel. Outputs carry no timestamps, so an executed notebook is byte-identical from run to run.

Charts: a run into build/notebooks (the report's own run, with each notebook's defaults) or in place
keeps each notebook's figures_dir, build/figures, where the report reads them. A run into any other
folder writes its charts to <output-dir>/figures unless `-p figures_dir` says where (as the Vietnamese
report's run does: build/figures.vi), so that it never changes the report's charts. A run into
build/notebooks takes no -p: that folder holds only the run with the defaults that make built there.

Stopping: SIGINT (Ctrl-C, which reaches the whole process group) or SIGTERM (to the runner alone)
stops the run. Each worker interrupts the cell its kernel runs, so that the cell's own clean-up runs
(a chart being written is removed, not left half-written), shuts the kernel down and removes its
socket folder, connection file and scratch folder; the runner waits for every worker, then exits with
128 + the signal's number. An executed notebook is written only whole.
"""
import argparse
import contextlib
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

from helpers import paths
from helpers.files import write_text_atomic
from helpers.params import ParameterError
from helpers.run import kernels

# Papermill and nbclient stamp these with wall-clock times; they are dropped so outputs reproduce.
VOLATILE_NOTEBOOK_KEYS = ("papermill",)
VOLATILE_CELL_KEYS = ("papermill", "execution")
# Papermill's tag on the cell of parameters it adds, which it gives a random id; the id becomes the tag.
INJECTED_PARAMETERS = "injected-parameters"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# An interrupted cell, or a kernel still starting, ends within seconds; then the kernel is stopped regardless.
NOTEBOOK_STOP_SECONDS = 10


class NotebookFailed(RuntimeError):
    """A notebook stopped on an error; the message names the notebook and says what the error says."""


class Stopped(BaseException):
    """SIGINT or SIGTERM stopped the run; like KeyboardInterrupt, no `except Exception` catches it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"stopped by {signal.Signals(self.signum).name}"


class StopSignals:
    """SIGINT and SIGTERM, raised as `Stopped` only while the main thread waits on workers or on a notebook.

    Anywhere else a signal is recorded and raised when the next wait begins, so that no kernel, folder or
    file is ever created without its clean-up being in place, and no clean-up is cut short by a second signal.
    """

    def __init__(self):
        self.received = None
        self._waiting = False

    def install(self) -> dict:
        """Take SIGINT and SIGTERM over in this process; the handlers they had before."""
        self.received = None
        return {signum: signal.signal(signum, self._on_signal) for signum in STOP_SIGNALS}

    def _on_signal(self, signum, frame) -> None:
        self.received = self.received or signum
        if self._waiting:
            self._waiting = False
            raise Stopped(self.received)

    def check(self) -> None:
        if self.received:
            raise Stopped(self.received)

    @contextlib.contextmanager
    def waiting(self):
        self.check()
        self._waiting = True
        try:
            yield
        finally:
            self._waiting = False


# One in the runner; each worker, forked from it, installs its own copy.
STOPS = StopSignals()


def declared_parameters(notebook: Path) -> dict:
    import papermill

    return papermill.inspect_notebook(str(notebook))


def check_parameter_names(notebook: Path, parameters: dict, declared: dict) -> None:
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(f"{notebook.name}: unknown parameter(s) {', '.join(unknown)}; "
                             f"allowed: {', '.join(declared)}")


def project_path(path: Path) -> str:
    """A path as a notebook parameter: relative to the project root when inside it, so outputs do not
    depend on where the project is checked out."""
    path = Path(path).resolve()
    return str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)


def is_report_folder(output_dir: Path | None) -> bool:
    return output_dir is not None and Path(output_dir).resolve() == paths.EXECUTED_NOTEBOOKS


def check_report_run(output_dir: Path | None, parameters: dict) -> None:
    """The report's folder holds the notebooks run with their defaults, the only run make knows of."""
    if parameters and is_report_folder(output_dir):
        raise ParameterError(f"{project_path(output_dir)} holds the report's run, with each notebook's defaults; "
                             f"run with {', '.join(parameters)} into another --output-dir")


def run_parameters(output_dir: Path | None, parameters: dict, declared: dict) -> dict:
    """The parameters of one notebook's run: outside the report's own folder, its charts go to <output-dir>/figures."""
    own_folder = output_dir is not None and not is_report_folder(output_dir)
    if own_folder and "figures_dir" in declared and "figures_dir" not in parameters:
        return {**parameters, "figures_dir": project_path(Path(output_dir) / "figures")}
    return parameters


def strip_volatile(notebook: dict) -> dict:
    for key in VOLATILE_NOTEBOOK_KEYS:
        notebook["metadata"].pop(key, None)
    for cell in notebook["cells"]:
        for key in VOLATILE_CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
        if INJECTED_PARAMETERS in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED_PARAMETERS
    return notebook


class PapermillRun(threading.Thread):
    """Papermill on one notebook, in a thread of its own.

    The worker's main thread only waits on it and so stays free to act on SIGINT and SIGTERM; nbclient, run in
    the main thread, would take both signals over for a clean-up of its own that lets the notebook run on.
    The wait is on an Event: a Thread.join() that a signal handler cuts short marks a running thread as ended.
    """

    def __init__(self, notebook: Path, executed: Path, parameters: dict, kernel: kernels.IPCKernelManager):
        super().__init__(name=f"papermill {notebook.name}", daemon=True)
        self.notebook, self.executed, self.parameters, self.kernel = notebook, executed, parameters, kernel
        self.kernel_ready = threading.Event()  # before this, a kernel dies of an interrupt, with a traceback
        self.stopping = threading.Event()
        self.done = threading.Event()
        self.error = None

    def run(self) -> None:
        import papermill

        try:
            papermill.execute_notebook(
                str(self.notebook), str(self.executed), parameters=self.parameters, kernel_name=kernels.KERNEL,
                progress_bar=False, request_save_on_cell_execute=False, cwd=str(paths.ROOT), km=self.kernel,
                on_notebook_start=lambda **_: self.kernel_ready.set(), on_cell_start=self._on_cell_start,
            )
        except BaseException as error:  # handed to the main thread, which raises it
            self.error = error
        finally:
            self.done.set()

    def _on_cell_start(self, **_) -> None:
        if self.stopping.is_set():
            raise Stopped(STOPS.received)

    def stop(self) -> None:
        """Start no further cell, interrupt the one running so that its own clean-up runs, and wait for the end."""
        self.stopping.set()
        if self.is_alive() and not self.done.is_set():
            if self.kernel_ready.is_set():
                self.kernel.interrupt_kernel()
            self.done.wait(NOTEBOOK_STOP_SECONDS)


def execute(notebook: Path, output: Path, parameters: dict) -> Path:
    """Run one notebook with these parameters and write it, without run-time stamps, to `output`."""
    import nbformat
    import papermill

    with tempfile.TemporaryDirectory() as scratch:
        executed = Path(scratch) / notebook.name
        kernel = kernels.IPCKernelManager(kernel_name=kernels.KERNEL)
        papermill_run = PapermillRun(notebook, executed, parameters, kernel)
        try:
            # A worker that a stop reached while idle starts no kernel. The thread starts outside the wait: a
            # start that a signal cuts short leaves the thread running unseen.
            STOPS.check()
            papermill_run.start()
            with STOPS.waiting():
                papermill_run.done.wait()
        finally:
            # papermill leaves running a kernel whose manager it was handed; stopped or done, it stops here.
            papermill_run.stop()
            kernel.stop()
        if isinstance(papermill_run.error, papermill.PapermillExecutionError):
            # the error's own message (file, line, figure) rather than the traceback around it
            error = papermill_run.error
            raise NotebookFailed(f"{notebook.name}, cell {error.exec_count}: {error.ename}: {error.evalue}")
        if papermill_run.error is not None:
            raise papermill_run.error
        result = strip_volatile(json.loads(executed.read_text(encoding="utf-8")))
    write_text_atomic(nbformat.writes(nbformat.from_dict(result)) + "\n", output)
    return output


def run(notebooks: list[Path], output_dir: Path | None, parameters: dict, jobs: int) -> list[Path]:
    """Run the notebooks, `jobs` at a time, into `output_dir` (None: in place).

    Kernels spend much of their life waiting on their driver, so more kernels than cores pay off.
    """
    previous_handlers = STOPS.install()
    try:
        import papermill  # noqa: F401  imported once here, before the workers fork, not once per notebook

        declared = {notebook: declared_parameters(notebook) for notebook in notebooks}
        for notebook in notebooks:
            check_parameter_names(notebook, parameters, declared[notebook])
        check_report_run(output_dir, parameters)
        target = lambda notebook: notebook if output_dir is None else Path(output_dir) / notebook.name
        STOPS.check()  # a stop that came meanwhile starts no worker
        # Every kernel runs in a worker: a driver that ran one itself holds threads that do not survive a fork.
        with ProcessPoolExecutor(max_workers=max(jobs, 1), mp_context=multiprocessing.get_context("fork"),
                                 initializer=STOPS.install) as pool:
            futures = [pool.submit(execute, notebook, target(notebook),
                                   run_parameters(output_dir, parameters, declared[notebook]))
                       for notebook in notebooks]
            try:
                with STOPS.waiting():
                    wait(futures)  # all of them, also after a failure: the others finish and are written
            except Stopped:
                # Ctrl-C reaches every process of the group, SIGTERM only this one: each worker gets it, stops
                # its notebook and removes its files, and the pool waits for them.
                for worker in multiprocessing.active_children():
                    worker.terminate()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            return [future.result() for future in futures]
    finally:
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)


def parse_parameter(text: str):
    """A -p value: a JSON literal (2020, true, null) where it is one, else the string itself."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--output-dir", type=Path,
                       help="write executed notebooks here, and their charts to its figures folder unless this is "
                            "the report's build/notebooks")
    where.add_argument("--in-place", action="store_true", help="overwrite the notebooks with their executed copies")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("-j", "--jobs", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="notebooks run at once (default: twice the cores, plus one)")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    parameters = {name: parse_parameter(value) for name, value in args.parameter}
    output_dir = None if args.in_place else args.output_dir.resolve()
    try:
        written = run([nb.resolve() for nb in args.notebooks], output_dir, parameters, args.jobs)
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except NotebookFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Stopped as stop:
        print(stop, file=sys.stderr)
        return 128 + stop.signum
    for notebook in written:
        print(f"wrote {project_path(notebook)}")
    figures = run_parameters(output_dir, parameters, declared_parameters(written[0]) if written else {})
    if "figures_dir" in figures:
        print(f"charts in {figures['figures_dir']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
