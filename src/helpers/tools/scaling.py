"""`make bench`, the clean step's part: how its time grows with the rows of the raw layer.

    python -m helpers.tools.scaling [--factors 1 10 100]

Each factor builds, in a temporary folder, a raw layer holding that many copies of today's sources and figures,
each copy with ids and quotes of its own (`s004` becomes `s004x7`, its figure `s004-26` becomes `s004x7-26`, and
each quote ends in ` (copy 7)`, which the copy's document, the original text followed by those quotes, holds
verbatim), then times the clean step on it, from the command line as `make data` runs it. The clean step's time on
today's rows is its fixed start; what grows is the time beyond it, and linear work grows 11-fold from 10x to 100x
(99 copies beyond the first, against 9).
"""
import argparse
import csv
import hashlib
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from helpers import paths
from helpers.data import raw

FACTORS = (1, 10, 100)
# The bound the clean step keeps: its time beyond the fixed start grows at most this many times from 10x to 100x.
GROWTH_BOUND_10_TO_100 = 15


def table_rows(path: Path) -> tuple[list[str], list[dict]]:
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def table_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def copied_figure(figure: dict, copy: int, source_ids: set[str]) -> dict:
    """A figure of copy `copy`: its id, its source's and those its relates_to names made the copy's, its quote too."""
    def renamed(figure_id: str) -> str:
        source_id, _, number = figure_id.rpartition("-")
        return f"{source_id}x{copy}-{number}" if source_id in source_ids else figure_id

    relates_to = "; ".join(f"{renamed(r.part)} / {renamed(r.base)}" for r in raw.relations(figure["relates_to"])) \
        if figure["relates_to"] else ""
    return {**figure, "figure_id": renamed(figure["figure_id"]), "source_id": f"{figure['source_id']}x{copy}",
            "quote": f"{figure['quote']} (copy {copy})", "relates_to": relates_to}


def scaled_raw_layer(factor: int, raw_dir: Path, sources_dir: Path, out: Path) -> tuple[Path, Path]:
    """`factor` copies of the raw layer in `out`: the first as it is, the others with ids and quotes of their own.
    Returns the raw folder and the sources folder."""
    scaled_raw, scaled_sources = Path(out) / "raw", Path(out) / "sources"
    shutil.copytree(raw_dir, scaled_raw)
    shutil.copytree(sources_dir, scaled_sources)
    source_columns, sources = table_rows(raw_dir / paths.SOURCES)
    figure_columns, figures = table_rows(raw_dir / paths.FIGURES_TABLE)
    source_ids = {s["source_id"] for s in sources}
    all_sources, all_figures = list(sources), list(figures)
    for copy in range(1, factor):
        copies = [copied_figure(f, copy, source_ids) for f in figures]
        all_figures += copies
        for source in sources:
            own = [f["quote"] for f in copies if f["source_id"] == f"{source['source_id']}x{copy}"]
            text = (Path(sources_dir) / source["file"]).read_text(encoding="utf-8") + "\n" + "\n".join(own) + "\n"
            file = f"{Path(source['file']).stem}.copy{copy}.txt"
            (scaled_sources / file).write_text(text, encoding="utf-8")
            all_sources.append({**source, "source_id": f"{source['source_id']}x{copy}", "file": file,
                                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    (scaled_raw / paths.SOURCES).write_text(table_text(source_columns, all_sources), encoding="utf-8")
    (scaled_raw / paths.FIGURES_TABLE).write_text(table_text(figure_columns, all_figures), encoding="utf-8")
    return scaled_raw, scaled_sources


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds on the clock
    cpu: float  # seconds of processor time, which other work on the machine does not lengthen as much


def clean_step_time(raw_dir: Path, sources_dir: Path, clean_dir: Path) -> Timing:
    """The clean step from the command line on a raw layer, as `make data` runs it, into an empty `clean_dir`."""
    shutil.rmtree(clean_dir, ignore_errors=True)
    command = [sys.executable, "-m", "helpers.data.pipeline", "--raw-dir", str(raw_dir), "--clean-dir", str(clean_dir)]
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    run = subprocess.run(command, env={**os.environ, "SOURCES_DIR": str(sources_dir)}, capture_output=True, text=True)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode:
        raise SystemExit(f"scaling: the clean step failed on {raw_dir} (exit {run.returncode}):\n{run.stderr}")
    return Timing(wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime))


def growth_lines(seconds: dict[int, float], what: str) -> list[str]:
    """How the time beyond the fixed start (the time at 1x) grows from each factor to the next."""
    beyond = {factor: value - seconds[1] for factor, value in seconds.items() if factor != 1}
    factors = sorted(beyond)
    lines = []
    for low, high in zip(factors, factors[1:]):
        ratio = f"{beyond[high] / beyond[low]:.1f}-fold" if beyond[low] > 0 else "beyond measure (none at the lower)"
        lines.append(f"{what}: beyond its fixed start ({seconds[1]:.2f} s at 1x), the clean step's time grows {ratio} "
                     f"from {low}x to {high}x rows (linear: {(high - 1) / (low - 1):.0f}-fold; bound from 10x to "
                     f"100x: {GROWTH_BOUND_10_TO_100}-fold)")
    return lines


def report_lines(timings: dict[int, Timing], rows: dict[int, int], runs: int) -> list[str]:
    lines = [f"| clean step, {factor}x rows ({rows[factor]} figures), median of {runs} | {t.wall:8.2f} s | {t.cpu:8.2f} s |"
             for factor, t in timings.items()]
    return ["| measurement | wall clock | processor |", "| --- | ---: | ---: |", *lines,
            *growth_lines({f: t.wall for f, t in timings.items()}, "wall clock"),
            *growth_lines({f: t.cpu for f, t in timings.items()}, "processor time")]


def measure(factors, runs: int) -> tuple[dict[int, Timing], dict[int, int]]:
    """The median wall-clock and processor times of `runs` clean steps at each factor, and its raw figures."""
    timings, rows = {}, {}
    sources_dir = paths.sources_dir()
    for factor in factors:
        with tempfile.TemporaryDirectory(prefix=f"scaling-{factor}x-") as scratch:
            raw_dir, documents = scaled_raw_layer(factor, paths.DATA_RAW, sources_dir, Path(scratch))
            rows[factor] = len(raw.load_figures(raw_dir / paths.FIGURES_TABLE))
            measured = [clean_step_time(raw_dir, documents, Path(scratch) / "clean") for _ in range(runs)]
            timings[factor] = Timing(statistics.median(t.wall for t in measured),
                                     statistics.median(t.cpu for t in measured))
    return timings, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=list(FACTORS),
                        help="copies of the raw rows to time the clean step on; 1, the fixed start, is always timed")
    parser.add_argument("--runs", type=int, default=3, help="runs per factor (the median is shown)")
    args = parser.parse_args(argv)
    if not paths.sources_dir().is_dir():
        print(f"clean step scaling skipped: no source documents at {paths.sources_dir()} (set SOURCES_DIR)")
        return 0
    timings, rows = measure(sorted({1, *args.factors}), args.runs)
    print("\n".join(report_lines(timings, rows, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
