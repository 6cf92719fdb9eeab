"""Execute notebooks with papermill, several at once, into a build folder or in place.

    python -m helpers.run_notebooks --output-dir build/notebooks notebooks/02-egov-ranks.ipynb ...
    python -m helpers.run_notebooks --in-place notebooks/*.ipynb
    python -m helpers.run_notebooks --output-dir build/try -p start_year 2020 notebooks/02-egov-ranks.ipynb

Kernels talk to the driver over IPC sockets (files only this user can open) instead of TCP on
localhost, so other users of a shared machine cannot reach a running kernel.
Outputs carry no timestamps, so an executed notebook is byte-identical from run to run.
"""
import argparse
import json
import multiprocessing
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import papermill  # imported once here, before the worker processes fork, not once per notebook

from helpers import paths
from helpers.io import write_text_atomic
from helpers.params import ParameterError

KERNEL = "python3"
# Papermill and nbclient stamp these with wall-clock times; they are dropped so outputs reproduce.
VOLATILE_NOTEBOOK_KEYS = ("papermill",)
VOLATILE_CELL_KEYS = ("papermill", "execution")


def declared_parameters(notebook: Path) -> dict:
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


def ipc_kernel_manager():
    """A kernel manager whose sockets are IPC files in a private temporary folder, where the OS has them."""
    from jupyter_client.manager import KernelManager

    if os.name != "posix":
        return KernelManager(kernel_name=KERNEL)
    folder = tempfile.mkdtemp(prefix="kernel-")
    return KernelManager(kernel_name=KERNEL, transport="ipc", ip=os.path.join(folder, "ipc"))


class NotebookFailed(RuntimeError):
    """A notebook stopped on an error; the message names the notebook and says what the error says."""


def execute(notebook: Path, output: Path, parameters: dict) -> Path:
    with tempfile.TemporaryDirectory() as scratch:
        executed = Path(scratch) / notebook.name
        try:
            papermill.execute_notebook(
                str(notebook), str(executed), parameters=parameters, kernel_name=KERNEL, progress_bar=False,
                request_save_on_cell_execute=False, cwd=str(paths.ROOT), km=ipc_kernel_manager(),
            )
        except papermill.PapermillExecutionError as error:
            # the error's own message (file, line, figure) rather than the traceback around it
            raise NotebookFailed(f"{notebook.name}, cell {error.exec_count}: {error.ename}: {error.evalue}") from None
        result = strip_volatile(json.loads(executed.read_text(encoding="utf-8")))
    write_text_atomic(nbformat.writes(nbformat.from_dict(result)) + "\n", output)
    return output


def run(notebooks: list[Path], output_dir: Path | None, parameters: dict, jobs: int,
        first: Path | None = None) -> list[Path]:
    """Run `first` alone (the clean step the others read), then the rest together, `jobs` at a time.

    Kernels spend much of their life waiting on their driver, so more kernels than cores pay off.
    """
    for notebook in ([first] if first else []) + notebooks:
        check_parameter_names(notebook, parameters)
    target = lambda notebook: notebook if output_dir is None else Path(output_dir) / notebook.name
    # Every kernel runs in a worker: a driver that ran one itself holds threads that do not survive a fork.
    # fork: workers inherit the imported modules, so each kernel start is the only start-up cost.
    with ProcessPoolExecutor(max_workers=max(jobs, 1), mp_context=multiprocessing.get_context("fork")) as pool:
        done = [pool.submit(execute, first, target(first), parameters).result()] if first else []
        futures = [pool.submit(execute, nb, target(nb), parameters) for nb in notebooks]
        return done + [future.result() for future in futures]


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
    parser.add_argument("--first", type=Path, help="a notebook to run before all the others")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    parameters = {name: parse_parameter(value) for name, value in args.parameter}
    try:
        run([nb.resolve() for nb in args.notebooks], None if args.in_place else args.output_dir.resolve(),
            parameters, args.jobs, args.first.resolve() if args.first else None)
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except NotebookFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
