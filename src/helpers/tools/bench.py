"""`make bench`: how long a fresh set-up, the report and the tests take, against the floor of the work itself.

The floor is what no notebook runner can beat on this machine: starting one Python that imports
pandas, matplotlib and seaborn, once per run a cold build makes (the clean step, and each indicator
notebook in each language of the report), shared over the cores, plus rendering the pages.
The cold build is timed twice: with the runner's kernels forked from it (the default), and with every
kernel started as a new interpreter. Each line is the median of several runs, all measured in this one
run, except the fresh set-up:
`make env` into a new virtual environment with empty package caches, once (it downloads every package).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from helpers import paths
from helpers.i18n import LANGUAGES
from helpers.tools import scaling

IMPORTS = "import pandas, matplotlib, matplotlib.pyplot, seaborn"
ORDINARY_KERNELS = "--ordinary-kernels"


def seconds(command: list[str], prepare=None, env: dict | None = None) -> float:
    if prepare:
        prepare()
    start = time.perf_counter()
    run = subprocess.run(command, cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    elapsed = time.perf_counter() - start
    if run.returncode:  # what failed, not only that it did
        tail = "\n".join(run.stdout.decode(errors="replace").splitlines()[-40:])
        raise SystemExit(f"bench: `{' '.join(command)}` failed (exit {run.returncode}); its last lines:\n{tail}")
    return elapsed


def median_of(runs: int, command: list[str], prepare=None) -> float:
    return statistics.median(seconds(command, prepare) for _ in range(runs))


def remove_build_outputs() -> None:
    subprocess.run(["make", "--no-print-directory", "clean"], cwd=paths.ROOT, check=True, stdout=subprocess.DEVNULL)


def fresh_setup_seconds() -> float:
    """`make env` into a new virtual environment, with pip's and uv's caches empty."""
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as scratch:
        env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
        env |= {"VIRTUAL_ENV": os.path.join(scratch, "venv"), "UV_CACHE_DIR": os.path.join(scratch, "uv-cache"),
                "PIP_NO_CACHE_DIR": "1"}
        return seconds(["make", "--no-print-directory", "env"], env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is shown)")
    args = parser.parse_args(argv)
    make = ["make", "--no-print-directory"]
    indicator_notebooks = len([p for p in paths.NOTEBOOKS.glob("*.ipynb") if p.name != paths.CLEAN_NOTEBOOK])
    runs = 1 + indicator_notebooks * len(LANGUAGES)
    cores = os.cpu_count() or 1

    cold = median_of(args.runs, make + ["report"], prepare=remove_build_outputs)
    cold_ordinary = median_of(args.runs, make + ["report", f"RUNNER_OPTIONS={ORDINARY_KERNELS}"],
                              prepare=remove_build_outputs)
    noop = median_of(max(args.runs, 5), make + ["report"])
    render = median_of(args.runs, [sys.executable, "-m", "helpers.report"])
    start = median_of(max(args.runs, 5), [sys.executable, "-c", IMPORTS])
    floor = start * runs / cores + render
    test = median_of(args.runs, make + ["test"])
    setup = fresh_setup_seconds()

    rows = [
        ("cold `make report` (no build outputs), kernels forked from the runner", cold),
        (f"cold `make report`, ordinary kernels (`RUNNER_OPTIONS={ORDINARY_KERNELS}`)", cold_ordinary),
        ("no-op `make report`", noop),
        ("`make test`", test),
        ("fresh set-up: `make env` into a new environment, empty caches (one run)", setup),
        (f"floor: {start:.2f} s start x {runs} runs (clean step, {indicator_notebooks} notebooks x {len(LANGUAGES)} "
         f"languages) / {cores} cores + {render:.2f} s render", floor),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"| {'measurement'.ljust(width)} | median (s) |")
    print(f"| {'-' * width} | ---------: |")
    for label, value in rows:
        print(f"| {label.ljust(width)} | {value:10.2f} |")
    print(f"cold report / floor = {cold / floor:.2f} with forked kernels, {cold_ordinary / floor:.2f} with ordinary "
          f"kernels (medians of {args.runs}+ runs)")
    return scaling.main(["--runs", str(args.runs)])


if __name__ == "__main__":
    sys.exit(main())
