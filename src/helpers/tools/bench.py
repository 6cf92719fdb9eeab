"""`make bench`: how long the report, the tests and a fresh clone take, side by side in one run.

The plain way is what anyone could do without the project's Makefile and runner: the papermill
command line on each notebook, one after another (the clean notebook, then every indicator notebook
in each language of the report), then the page rendered. A cold `make report` is timed against it
on the same machine in the same run, so that the ratio holds however loaded the machine is.

Each measurement is a row of MEASUREMENTS: a label, how many runs (the median is shown) and a
function that returns the seconds of one run. A new measurement is one more row.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from helpers import paths
from helpers.i18n import LANGUAGES
from helpers.tools import scaling

MAKE = ["make", "--no-print-directory"]
TARGET_RATIO = 0.5  # a cold `make report` in at most half the time of the plain way


def seconds(*commands: list[str], cwd: Path = paths.ROOT, env: dict | None = None) -> float:
    """The time the commands take, one after another; a failure says which command and shows its last lines."""
    start = time.perf_counter()
    for command in commands:
        run = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if run.returncode:
            tail = "\n".join(run.stdout.decode(errors="replace").splitlines()[-40:])
            raise SystemExit(f"bench: `{' '.join(command)}` failed (exit {run.returncode}); its last lines:\n{tail}")
    return time.perf_counter() - start


def remove_build_outputs() -> None:
    subprocess.run(MAKE + ["clean"], cwd=paths.ROOT, check=True, stdout=subprocess.DEVNULL)


def cold_report() -> float:
    remove_build_outputs()
    return seconds(MAKE + ["report"])


def plain_way() -> float:
    """The papermill command line on each notebook, one after another, into the folders the page reads; the page."""
    remove_build_outputs()
    papermill = [sys.executable, "-m", "papermill", "--no-progress-bar", "--cwd", str(paths.ROOT)]
    clean = paths.NOTEBOOKS / paths.CLEAN_NOTEBOOK
    commands = [papermill + [str(clean), str(paths.BUILD / "plain" / clean.name)]]
    for code in LANGUAGES:
        language = [] if code == paths.SOURCE_LANGUAGE else ["-p", "lang", code]
        for notebook in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
            if notebook != clean:
                commands.append(papermill + [str(notebook), str(paths.in_language(paths.EXECUTED_NOTEBOOKS, code) / notebook.name),
                                             "-p", "figures_dir", str(paths.in_language(paths.FIGURES, code)), *language])
    for folder in (paths.BUILD / "plain", *(paths.in_language(paths.EXECUTED_NOTEBOOKS, code) for code in LANGUAGES)):
        folder.mkdir(parents=True, exist_ok=True)
    return seconds(*commands, [sys.executable, "-m", "helpers.report"])


def noop_report() -> float:
    """`make report` right after one: nothing to do (another measurement may have left other outputs)."""
    seconds(MAKE + ["report"])
    return seconds(MAKE + ["report"])


def make_test() -> float:
    return seconds(MAKE + ["test"])


def fresh_clone_to_reports() -> float:
    """`git clone` of this commit, then `make report` in the clone: a new .venv with empty package caches (the
    packages downloaded), the data, the notebooks and both pages."""
    with tempfile.TemporaryDirectory(prefix="bench-clone-") as scratch:
        clone = Path(scratch) / "project"
        env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
        env |= {"UV_CACHE_DIR": str(Path(scratch) / "uv-cache"), "PIP_NO_CACHE_DIR": "1",
                "SOURCES_DIR": str(paths.sources_dir())}
        start = time.perf_counter()
        seconds(["git", "clone", "--quiet", str(paths.ROOT), str(clone)], env=env)
        seconds(MAKE + ["report"], cwd=clone, env=env)
        return time.perf_counter() - start


@dataclass(frozen=True)
class Measurement:
    label: str
    once: Callable[[], float]
    runs: int | None = None  # None: as many as --runs says


MEASUREMENTS = [
    Measurement("cold `make report` (no build outputs)", cold_report),
    Measurement("the plain way: papermill CLI on each notebook in turn, both languages, then the page", plain_way),
    Measurement("no-op `make report`", noop_report),
    Measurement("`make test` (one run)", make_test, runs=1),
    Measurement("fresh clone to both reports: `git clone`, `make report` with set-up, empty caches (one run)",
                fresh_clone_to_reports, runs=1),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is shown)")
    args = parser.parse_args(argv)
    results = {}
    for measurement in MEASUREMENTS:
        runs = measurement.runs or args.runs
        results[measurement.label] = statistics.median(measurement.once() for _ in range(runs))
        print(f"bench: {measurement.label}: {results[measurement.label]:.2f} s", file=sys.stderr, flush=True)
    seconds(MAKE + ["report"])  # the project's own build outputs back in place of the plain way's
    width = max(map(len, results))
    print(f"| {'measurement'.ljust(width)} | median (s) |")
    print(f"| {'-' * width} | ---------: |")
    for label, value in results.items():
        print(f"| {label.ljust(width)} | {value:10.2f} |")
    ratio = results[MEASUREMENTS[0].label] / results[MEASUREMENTS[1].label]
    print(f"cold `make report` / the plain way = {ratio:.2f} (target: at most {TARGET_RATIO}); "
          f"{os.cpu_count()} cores, medians of {args.runs} runs")
    return scaling.main(["--runs", str(args.runs)])


if __name__ == "__main__":
    sys.exit(main())
