"""Execute notebooks with papermill, several at once, into a build folder or in place.

    python -m helpers.run.notebooks --output-dir build/notebooks notebooks/02-egov-ranks.ipynb ...
    python -m helpers.run.notebooks --in-place notebooks/*.ipynb
    python -m helpers.run.notebooks --output-dir build/try -p start_year 2020 notebooks/02-egov-ranks.ipynb
    python -m helpers.run.notebooks --report notebooks/02-egov-ranks.ipynb ...

Kernels are ipykernel processes that talk to the driver over IPC sockets (files only this user can
open) instead of TCP on localhost, so other users of a shared machine cannot reach a running kernel.
The runner imports what notebooks use once, and each kernel starts forked from it with those
imports done (helpers.run.forked); where that cannot be, as a new interpreter. Outputs carry no
timestamps, so an executed notebook is byte-identical from run to run, however its kernel started.

Charts: a run into build/notebooks (the report's own run, with each notebook's defaults) or in place
keeps each notebook's figures_dir, build/figures, where the report reads them. A run into any other
folder writes its charts to <output-dir>/figures unless `-p figures_dir` says where, so that it never
changes the report's charts. A run into build/notebooks takes no -p: that folder holds only the run
with the defaults that make built there. `--report` makes the report's runs in one go: each notebook
in English into build/notebooks, and with `lang` set into build/notebooks.vi (charts in build/figures.vi).

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
import signal
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from helpers import paths
from helpers.files import exit_with, write_text_atomic
from helpers.i18n import LANGUAGES
from helpers.paths import SOURCE_LANGUAGE
from helpers.params import ParameterError
# helpers.run.forked and .kernels, and through them jupyter_client, are imported where they are used, once
# SIGINT and SIGTERM are taken over: an interrupt in the middle of a library's import is then a clean stop, never
# a KeyboardInterrupt that the library's own `except` may swallow, letting the run go on.

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

    def __init__(self, notebook: Path, executed: Path, parameters: dict, kernel):  # a kernels.IPCKernelManager
        super().__init__(name=f"papermill {notebook.name}", daemon=True)
        self.notebook, self.executed, self.parameters, self.kernel = notebook, executed, parameters, kernel
        self.kernel_ready = threading.Event()  # before this, a kernel dies of an interrupt, with a traceback
        self.stopping = threading.Event()
        self.done = threading.Event()
        self.error = None

    def run(self) -> None:
        import papermill

        from helpers.run import kernels

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

    from helpers.run import forked, kernels

    with tempfile.TemporaryDirectory() as scratch:
        executed = Path(scratch) / notebook.name
        kernel = kernels.IPCKernelManager(kernel_name=kernels.KERNEL, spare=forked.SpareKernel.fork())
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


@dataclass(frozen=True)
class Job:
    """One notebook to run: where its executed copy goes (the notebook itself, for a run in place) and with what."""
    notebook: Path
    output: Path
    parameters: dict


def jobs_for(notebooks: list[Path], output_dir: Path | None, parameters: dict) -> list[Job]:
    """The notebooks run with these parameters into `output_dir` (None: in place), their names checked first."""
    declared = {notebook: declared_parameters(notebook) for notebook in notebooks}
    for notebook in notebooks:
        check_parameter_names(notebook, parameters, declared[notebook])
    check_report_run(output_dir, parameters)
    return [Job(notebook, notebook if output_dir is None else Path(output_dir) / notebook.name,
                run_parameters(output_dir, parameters, declared[notebook])) for notebook in notebooks]


def report_jobs(notebooks: list[Path]) -> list[Job]:
    """What the report is built from: the notebooks in each of its languages, English with their defaults into
    build/notebooks (charts in build/figures), any other language into build/notebooks.<lang> (build/figures.<lang>)."""
    jobs = []
    for code in LANGUAGES:
        parameters = {} if code == SOURCE_LANGUAGE else {
            "lang": code, "figures_dir": project_path(paths.in_language(paths.FIGURES, code))}
        jobs += jobs_for(notebooks, paths.in_language(paths.EXECUTED_NOTEBOOKS, code), parameters)
    return jobs


def run(notebooks: list[Path], output_dir: Path | None, parameters: dict, jobs: int) -> list[Path]:
    """Run the notebooks, `jobs` at a time, into `output_dir` (None: in place)."""
    return run_jobs(jobs_for(notebooks, output_dir, parameters), jobs)


def run_jobs(jobs: list[Job], workers: int, fork: bool = True) -> list[Path]:
    """Run the jobs, `workers` at a time; the executed notebooks, in the order of the jobs. Without `fork`, every
    kernel starts as a new interpreter, as jupyter_client starts one by default.

    Kernels spend much of their life waiting on their driver, so more kernels than cores pay off. A worker forks
    its first notebook's kernel (helpers.run.forked), before any thread runs in it; after a notebook, threads of
    the kernel client remain, and its next notebook's kernel starts as a new interpreter.
    """
    previous_handlers = STOPS.install()
    try:
        import papermill  # noqa: F401  imported once here, before the workers fork, not once per notebook

        from helpers.run import forked

        if fork:
            forked.preload()  # so are the kernel and what notebooks import, for kernels forked from the workers
        STOPS.check()  # a stop that came meanwhile starts no worker
        # Every kernel runs in a worker: a driver that ran one itself holds threads that do not survive a fork.
        with ProcessPoolExecutor(max_workers=max(workers, 1), mp_context=multiprocessing.get_context("fork"),
                                 initializer=STOPS.install) as pool:
            futures = [pool.submit(execute, job.notebook, job.output, job.parameters) for job in jobs]
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
    where.add_argument("--report", action="store_true",
                       help="the report's runs: each notebook in each language of the report, into build/notebooks "
                            "(build/notebooks.<lang>) with its charts in build/figures (build/figures.<lang>)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("--ordinary-kernels", action="store_true",
                        help="start every kernel as a new interpreter, not forked from the runner (same outputs, slower)")
    parser.add_argument("-j", "--jobs", type=int,
                        help="notebooks run at once (default: all of them, each kernel forked from a worker that has "
                             "run nothing before; a worker's next kernel starts as a new interpreter)")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    parameters = {name: parse_parameter(value) for name, value in args.parameter}
    notebooks = [nb.resolve() for nb in args.notebooks]
    try:
        if args.report:
            check_report_run(paths.EXECUTED_NOTEBOOKS, parameters)
            jobs = report_jobs(notebooks)
        else:
            jobs = jobs_for(notebooks, None if args.in_place else args.output_dir.resolve(), parameters)
        written = run_jobs(jobs, args.jobs or len(jobs), fork=not args.ordinary_kernels)
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
    for figures_dir in dict.fromkeys(job.parameters["figures_dir"] for job in jobs if "figures_dir" in job.parameters):
        print(f"charts in {figures_dir}")
    return 0


if __name__ == "__main__":
    exit_with(main())
