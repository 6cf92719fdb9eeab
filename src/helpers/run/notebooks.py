"""Execute notebooks with papermill, several at once, into a build folder or in place.

    python -m helpers.run.notebooks --output-dir build/notebooks notebooks/02-egov-ranks.ipynb ...
    python -m helpers.run.notebooks --in-place notebooks/*.ipynb
    python -m helpers.run.notebooks --output-dir build/try -p start_year 2020 notebooks/02-egov-ranks.ipynb

Kernels are ordinary ipykernel processes that talk to the driver over IPC sockets (files only this
user can open) instead of TCP on localhost, so other users of a shared machine cannot reach a
running kernel. Outputs carry no timestamps, so an executed notebook is byte-identical from run to run.
"""
import argparse
import json
import multiprocessing
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from helpers import paths
from helpers.files import write_text_atomic
from helpers.params import ParameterError
from helpers.run import kernels

# Papermill and nbclient stamp these with wall-clock times; they are dropped so outputs reproduce.
VOLATILE_NOTEBOOK_KEYS = ("papermill",)
VOLATILE_CELL_KEYS = ("papermill", "execution")
# A kernel exits within 0.1-0.2 s of a shutdown request, or hangs for seconds: it gets this long.
KERNEL_EXIT_SECONDS = 0.3


def declared_parameters(notebook: Path) -> dict:
    import papermill

    return papermill.inspect_notebook(str(notebook))


def check_parameter_names(notebook: Path, parameters: dict) -> None:
    if not parameters:
        return
    declared = declared_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(f"{notebook.name}: unknown parameter(s) {', '.join(unknown)}; "
                             f"allowed: {', '.join(declared)}")


def strip_volatile(notebook: dict) -> dict:
    for key in VOLATILE_NOTEBOOK_KEYS:
        notebook["metadata"].pop(key, None)
    for cell in notebook["cells"]:
        for key in VOLATILE_CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
    return notebook


class NotebookFailed(RuntimeError):
    """A notebook stopped on an error; the message names the notebook and says what the error says."""


def execute(notebook: Path, output: Path, parameters: dict) -> Path:
    """Run one notebook with these parameters and write it, without run-time stamps, to `output`."""
    import nbformat
    import papermill

    with tempfile.TemporaryDirectory() as scratch:
        executed = Path(scratch) / notebook.name
        km = kernels.IPCKernelManager(kernel_name=kernels.KERNEL)
        try:
            papermill.execute_notebook(
                str(notebook), str(executed), parameters=parameters, kernel_name=kernels.KERNEL, progress_bar=False,
                request_save_on_cell_execute=False, cwd=str(paths.ROOT), km=km,
            )
        except papermill.PapermillExecutionError as error:
            # the error's own message (file, line, figure) rather than the traceback around it
            raise NotebookFailed(f"{notebook.name}, cell {error.exec_count}: {error.ename}: {error.evalue}") from None
        finally:
            # papermill leaves running a kernel whose manager it was handed. Its outputs are all in:
            # ask it to stop (without the interrupt shutdown_kernel() sends first, which the kernel
            # logs), and terminate it if it has not stopped in time: ipykernel now and then hangs on exit.
            if km.has_kernel:
                km.request_shutdown()
                km.finish_shutdown(waittime=2 * KERNEL_EXIT_SECONDS)
                km.cleanup_resources()
        result = strip_volatile(json.loads(executed.read_text(encoding="utf-8")))
    write_text_atomic(nbformat.writes(nbformat.from_dict(result)) + "\n", output)
    return output


def run(notebooks: list[Path], output_dir: Path | None, parameters: dict, jobs: int) -> list[Path]:
    """Run the notebooks, `jobs` at a time, into `output_dir` (None: in place).

    Kernels spend much of their life waiting on their driver, so more kernels than cores pay off.
    """
    import papermill  # noqa: F401  imported once here, before the workers fork, not once per notebook

    for notebook in notebooks:
        check_parameter_names(notebook, parameters)
    target = lambda notebook: notebook if output_dir is None else Path(output_dir) / notebook.name
    # Every kernel runs in a worker: a driver that ran one itself holds threads that do not survive a fork.
    with ProcessPoolExecutor(max_workers=max(jobs, 1), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(execute, notebook, target(notebook), parameters) for notebook in notebooks]
        return [future.result() for future in futures]


def parse_parameter(text: str):
    """A -p value: a JSON literal (2020, true, null) where it is one, else the string itself."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--output-dir", type=Path, help="write executed notebooks here")
    where.add_argument("--in-place", action="store_true", help="overwrite the notebooks with their executed copies")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("-j", "--jobs", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="notebooks run at once (default: twice the cores, plus one)")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    parameters = {name: parse_parameter(value) for name, value in args.parameter}
    try:
        run([nb.resolve() for nb in args.notebooks], None if args.in_place else args.output_dir.resolve(),
            parameters, args.jobs)
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except NotebookFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
