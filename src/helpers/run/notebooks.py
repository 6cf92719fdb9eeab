"""Execute notebooks with papermill in worker processes, as many at once as the machine has cores.

    python -m helpers.run.notebooks --report notebooks/02-egov-ranks.ipynb ...
    python -m helpers.run.notebooks --in-place notebooks/*.ipynb
    python -m helpers.run.notebooks --output-dir build/try -p country THA notebooks/02-egov-ranks.ipynb

Each notebook runs through papermill's public API (`papermill.execute_notebook`) in a worker process, one
notebook at a time in each of as many workers as the machine has cores, with an ordinary ipykernel of its own. Its kernel talks over IPC sockets in the worker's private scratch
folder (jupyter_client's `KernelManager.transport`, set through the configuration papermill hands to
nbclient) rather than TCP on localhost, so no other user of the machine can reach it. Outputs carry no
timestamps, the cell of injected parameters has a fixed id, and a cell's printed text is one output however
the kernel happened to flush it (nbclient's `coalesce_streams`), so a run reproduces to the byte.

Charts: `--report` runs each notebook once per language of the report, into build/notebooks with its
charts in build/figures (build/notebooks.<lang>, build/figures.<lang> for the others); no other run
writes there. `--output-dir` writes charts to <output-dir>/figures unless `-p figures_dir` says where;
`--in-place` keeps each notebook's default, a scratch folder the report never reads.

Stopping: SIGINT (Ctrl-C) or SIGTERM stops the run. The workers are in process groups of their own, so
the runner alone receives a terminal's Ctrl-C; it starts no further notebook and sends each worker one
SIGINT (WorkerStop: the running cell is interrupted, so that its own clean-up runs, and nbclient shuts
the kernel down); each worker's scratch folder goes with it. The runner waits for every worker, then
exits with 128 + the signal's number. An executed notebook is written only whole.
"""
import argparse
import json
import multiprocessing
import os
import signal
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from helpers import paths
from helpers.files import write_text_atomic
from helpers.i18n import LANGUAGES
from helpers.params import ParameterError
from helpers.paths import SOURCE_LANGUAGE

KERNEL = "python3"
# Papermill and nbclient stamp these with wall-clock times; they are dropped so outputs reproduce.
VOLATILE_NOTEBOOK_KEYS = ("papermill",)
VOLATILE_CELL_KEYS = ("papermill", "execution")
# Papermill's tag on the cell of parameters it adds, which it gives a random id; the id becomes the tag.
INJECTED_PARAMETERS = "injected-parameters"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class NotebookFailed(RuntimeError):
    """A notebook stopped on an error; the message names the notebook and says what the error says."""


class Stopped(BaseException):
    """SIGINT or SIGTERM stopped the run; like KeyboardInterrupt, no `except Exception` catches it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"stopped by {signal.Signals(self.signum).name}"


@dataclass(frozen=True)
class Job:
    """One notebook to run: where its executed copy goes (the notebook itself, for a run in place) and with what."""
    notebook: Path
    output: Path
    parameters: dict


def project_path(path: Path) -> str:
    """A path as a notebook parameter: relative to the project root when inside it, so outputs do not
    depend on where the project is checked out."""
    path = Path(path).resolve()
    return str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)


def report_figures(language: str) -> str:
    return project_path(paths.in_language(paths.FIGURES, language))


def check_parameter_names(notebook: Path, parameters: dict, declared: dict) -> None:
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(f"{notebook.name}: unknown parameter(s) {', '.join(unknown)}; "
                             f"allowed: {', '.join(declared)}")


def check_not_report_folder(output_dir: Path) -> None:
    """The report's folders hold only the report's own runs (`--report`), the only runs make knows of."""
    report_folders = {paths.in_language(folder, code) for folder in (paths.EXECUTED_NOTEBOOKS, paths.FIGURES)
                      for code in LANGUAGES}
    if Path(output_dir).resolve() in report_folders:
        raise ParameterError(f"{project_path(output_dir)} holds the report's own run (make report); "
                             f"write into another --output-dir")


def planned_jobs(notebooks: list[Path], output_dir: Path | None, parameters: dict) -> list[Job]:
    """The notebooks run with these parameters into `output_dir` (None: in place), their names checked first.
    Into a folder, charts go to <output-dir>/figures unless `figures_dir` is given."""
    import papermill

    jobs = []
    for notebook in notebooks:
        declared = papermill.inspect_notebook(str(notebook))
        check_parameter_names(notebook, parameters, declared)
        chosen = dict(parameters)
        if output_dir is not None and "figures_dir" in declared:
            chosen.setdefault("figures_dir", project_path(Path(output_dir) / "figures"))
        jobs.append(Job(notebook, notebook if output_dir is None else Path(output_dir) / notebook.name, chosen))
    return jobs


def jobs_for(notebooks: list[Path], output_dir: Path | None, parameters: dict) -> list[Job]:
    """A run by hand: anywhere but the report's own folders."""
    if output_dir is not None:
        check_not_report_folder(output_dir)
    return planned_jobs(notebooks, output_dir, parameters)


def report_jobs(notebooks: list[Path]) -> list[Job]:
    """What the report is built from: each notebook in each language of the report, into build/notebooks
    (build/notebooks.<lang>) with its charts in build/figures (build/figures.<lang>)."""
    jobs = []
    for code in LANGUAGES:
        parameters = {"figures_dir": report_figures(code)} | ({} if code == SOURCE_LANGUAGE else {"lang": code})
        jobs += planned_jobs(notebooks, paths.in_language(paths.EXECUTED_NOTEBOOKS, code), parameters)
    return jobs


def strip_volatile(notebook: dict) -> dict:
    for key in VOLATILE_NOTEBOOK_KEYS:
        notebook["metadata"].pop(key, None)
    for cell in notebook["cells"]:
        for key in VOLATILE_CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
        if INJECTED_PARAMETERS in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED_PARAMETERS
    return notebook


def private_kernel(folder: Path):
    """nbclient's configuration for a kernel on IPC sockets in `folder`, with its connection file (which holds
    the kernel's key) beside them: files only this user can open, removed with the folder."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(folder / "k"),
                                     "connection_file": str(folder / "connection.json")}})


class WorkerStop:
    """A worker's SIGINT and SIGTERM, acted on only where nbclient shuts the kernel down after them.

    While a cell runs (from nbclient's `on_cell_start` hook to its `on_cell_executed`), a signal raises `Stopped`
    inside nbclient's `setup_kernel`, whose clean-up interrupts the cell (so that the cell's own clean-up runs: a
    chart being written is removed, not left half-written) and shuts the kernel down. Anywhere else, and above all
    while the kernel starts, outside that clean-up's reach, the signal is recorded: the next cell does not start,
    and a notebook already done is not written.
    """

    def __init__(self, runner_stopping):
        self.runner_stopping = runner_stopping  # the runner's sign, set before it signals its workers
        self.requested = False
        self.armed = False

    def on_signal(self, signum, frame) -> None:
        self.requested = True
        if self.armed:
            self.armed = False
            raise Stopped(signum)

    def check(self) -> None:
        if self.requested or self.runner_stopping.is_set():
            raise Stopped(signal.SIGINT)

    def on_cell_start(self, **_) -> None:
        self.armed = True
        if self.requested:
            self.armed = False
            self.check()

    def on_cell_executed(self, **_) -> None:
        self.armed = False


# Set in each worker by start_worker: execute() runs only in the runner's workers.
worker_stop = None


def start_worker(runner_stopping) -> None:
    """A worker in a process group of its own, so that a terminal's Ctrl-C reaches the runner alone, which passes
    it on once; the worker's signals go to its WorkerStop."""
    global worker_stop
    worker_stop = WorkerStop(runner_stopping)
    os.setpgrp()
    for signum in STOP_SIGNALS:
        signal.signal(signum, worker_stop.on_signal)


def execute(job: Job) -> Path:
    """Run one notebook and write it, without run-time stamps, to its output; in a worker of its own."""
    import nbformat
    import papermill

    stop = worker_stop
    stop.check()
    with tempfile.TemporaryDirectory(prefix="notebook-") as scratch:
        executed = Path(scratch) / job.notebook.name
        try:
            papermill.execute_notebook(str(job.notebook), str(executed), parameters=job.parameters,
                                       kernel_name=KERNEL, progress_bar=False, cwd=str(paths.ROOT),
                                       config=private_kernel(Path(scratch)), coalesce_streams=True,
                                       on_cell_start=stop.on_cell_start, on_cell_executed=stop.on_cell_executed)
        except papermill.PapermillExecutionError as error:
            stop.check()  # a cell that a stop interrupted is no error of the notebook's
            # the error's own message (file, line, figure) rather than the traceback around it
            raise NotebookFailed(f"{job.notebook.name}, cell {error.exec_count}: {error.ename}: {error.evalue}") \
                from None
        stop.check()
        result = strip_volatile(json.loads(executed.read_text(encoding="utf-8")))
    write_text_atomic(nbformat.writes(nbformat.from_dict(result)) + "\n", job.output)
    return job.output


class StopSignals:
    """The runner's SIGINT and SIGTERM: the first raises `Stopped`; any later one is ignored, so that nothing cuts
    the stop itself short."""

    def __init__(self):
        self.received = None

    def __enter__(self):
        self.previous = {signum: signal.signal(signum, self.on_signal) for signum in STOP_SIGNALS}
        return self

    def on_signal(self, signum, frame) -> None:
        if self.received is None:
            self.received = signum
            raise Stopped(signum)

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def workers_wanted(jobs: list[Job]) -> int:
    return max(1, min(len(jobs), os.cpu_count() or 1))


def run_jobs(jobs: list[Job], workers: int | None = None) -> list[Path]:
    """Run the jobs in a pool of worker processes, `workers` of them (default: one per core), each running one
    notebook at a time; the executed notebooks in the order of the jobs. A failure lets the others finish and
    be written. The workers are forked from the runner, which has imported papermill, before any thread runs in
    it (ProcessPoolExecutor starts every forked worker at once, then its own threads)."""
    context = multiprocessing.get_context("fork")
    runner_stopping = context.Event()
    with StopSignals():
        pool = None
        try:
            pool = ProcessPoolExecutor(max_workers=workers or workers_wanted(jobs), mp_context=context,
                                       initializer=start_worker, initargs=(runner_stopping,))
            futures = [pool.submit(execute, job) for job in jobs]
            wait(futures)
            return [future.result() for future in futures]
        except Stopped:
            runner_stopping.set()
            for worker in multiprocessing.active_children():
                os.kill(worker.pid, signal.SIGINT)
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            for worker in multiprocessing.active_children():  # also where the pool broke
                worker.join()


def run(notebooks: list[Path], output_dir: Path | None, parameters: dict, jobs: int | None = None) -> list[Path]:
    """Run the notebooks with these parameters into `output_dir` (None: in place), `jobs` at a time."""
    return run_jobs(jobs_for(notebooks, output_dir, parameters), jobs)


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
                       help="write executed notebooks here, and their charts to its figures folder")
    where.add_argument("--in-place", action="store_true", help="overwrite the notebooks with their executed copies")
    where.add_argument("--report", action="store_true",
                       help="the report's runs: each notebook in each language of the report, into build/notebooks "
                            "(build/notebooks.<lang>) with its charts in build/figures (build/figures.<lang>)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("-j", "--jobs", type=int, help="notebooks run at once (default: one per core)")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    parameters = {name: parse_parameter(value) for name, value in args.parameter}
    notebooks = [nb.resolve() for nb in args.notebooks]
    try:
        if args.report:
            if parameters:
                raise ParameterError("the report's runs take each notebook's own parameters; "
                                     "run with -p into an --output-dir")
            jobs = report_jobs(notebooks)
        else:
            jobs = jobs_for(notebooks, None if args.in_place else args.output_dir.resolve(), parameters)
        written = run_jobs(jobs, args.jobs)
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
    # the workers unpickle the jobs and the function they run by their module's name, not as __main__'s
    from helpers.run import notebooks

    sys.exit(notebooks.main())
