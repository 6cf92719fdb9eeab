"""The clean step end to end: raw layer in, clean files out, all or nothing.

    python -m helpers.data.pipeline [--as-of YYYY-MM-DD] [--strict] [--allow-shrink] [--raw-dir D] [--clean-dir D]

`make data` runs it; notebooks/01-clean.ipynb calls the same functions and shows their results.

Every clean file is first written to a staging folder and validated there as a Frictionless Data
Package; only a valid package replaces the previous clean files, so a failed run leaves
data/clean as it was. Nor does it publish less without being told: a raw table without rows, or a
clean table that would lose most of its rows, stops the step unless it runs with --allow-shrink
(`make data ALLOW_SHRINK=1`). An operating-system error or Ctrl-C ends it in one line.
"""
import argparse
import csv
import datetime as dt
import io
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import params, paths
from helpers.data import checks, clean, datapackage, official, raw, verdicts
from helpers.files import (csv_text, exit_on_sigterm, exit_with, json_text, stops_reported, write_bytes_named,
                           write_files_atomic)

# The clean tables that must not lose most of their rows unnoticed: all but the findings, which may well all go.
SHRINK_GUARDED = tuple(name for name in paths.CLEAN_TABLES if name != paths.CHECKS)
ALLOW_SHRINK = "--allow-shrink (make: ALLOW_SHRINK=1)"


class FindingsError(ValueError):
    """Consistency findings that stop the clean step (errors always, warnings when strict)."""


class ShrinkError(ValueError):
    """Clean tables that would lose most of their rows; the message names each with its rows before and after."""


@dataclass(frozen=True)
class CleanLayer:
    indicators: pd.DataFrame
    checks: pd.DataFrame
    sources: pd.DataFrame
    official: pd.DataFrame  # the official series, long: indicator, country, period, value, unit, dataset
    claims_vs_official: pd.DataFrame


def build(raw_dir: Path, as_of: dt.date | None, sources_dir: Path | None = None,
          allow_empty: bool = False) -> CleanLayer:
    layer = raw.load_raw_layer(raw_dir, sources_dir if sources_dir is not None else paths.sources_dir(), allow_empty)
    table = clean.clean_figures(layer, as_of)
    vocabulary = layer.indicators
    cumulative = set(vocabulary.loc[vocabulary["cumulative"] == "true", "indicator"])
    share_of = dict(vocabulary.loc[vocabulary["share_of"] != "", ["indicator", "share_of"]].itertuples(index=False))
    official_dir = Path(raw_dir) / paths.OFFICIAL_RAW.name
    official_series = official.official_indicators(official_dir)
    population = official.population_reference(official_series, official_dir)
    findings = checks.run_checks(table, cumulative, share_of, population, vocabulary)
    comparison = claims_against_series(table, vocabulary, official_series, Path(raw_dir), official_dir)
    return CleanLayer(table, findings, layer.sources, official_series, comparison)


def claims_against_series(table: pd.DataFrame, vocabulary: pd.DataFrame, official_series: pd.DataFrame,
                          raw_dir: Path, official_dir: Path) -> pd.DataFrame:
    """Every clean claim with its verdict, by the links of raw_dir/claim_links.csv; series titled by their metadata,
    else by the vocabulary."""
    links = verdicts.load_links(raw_dir / paths.CLAIM_LINKS, official_series)
    described = official.described_indicators(official_dir)
    titles = {row.indicator: {"en": row.title, "vi": row.title_vi} for row in vocabulary.itertuples()}
    titles.update({key: {"en": entry["title"], "vi": entry["title_vi"]}
                   for key, entry in described.items() if "title" in entry})
    datasets = {key: " ".join(entry["datasets"]) for key, entry in described.items()}
    return verdicts.claims_vs_official(table, vocabulary, official_series, links, titles, datasets, paths.CLAIM_LINKS)


def stopping_findings(findings: pd.DataFrame, strict: bool) -> pd.DataFrame:
    return findings if strict else findings[findings["severity"] == "error"]


def findings_message(stopping: pd.DataFrame, figures_csv: Path) -> str:
    lines = [f"  {f.check} [{f.figure_ids}]: {f.message}" for f in stopping.itertuples()]
    return f"{len(stopping)} finding(s) stop the clean step (figures in {figures_csv}):\n" + "\n".join(lines)


def clean_files(result: CleanLayer, raw_dir: Path) -> dict[str, str]:
    metadata = raw.load_indicators(Path(raw_dir) / paths.INDICATORS).drop(columns="line")
    return {
        paths.CLEAN_INDICATORS: csv_text(result.indicators),
        paths.CHECKS: csv_text(result.checks),
        paths.CLEAN_SOURCES: csv_text(result.sources.drop(columns="line")),
        paths.INDICATOR_METADATA: csv_text(metadata),
        paths.OFFICIAL_INDICATORS: csv_text(result.official),
        paths.CLAIMS_VS_OFFICIAL: csv_text(result.claims_vs_official),
        paths.DATAPACKAGE: json_text(datapackage.descriptor(
            result.sources, official.origins(Path(raw_dir) / paths.OFFICIAL_RAW.name),
            official.described_indicators(Path(raw_dir) / paths.OFFICIAL_RAW.name))),
    }


def publish(files: dict[str, str], clean_dir: Path) -> None:
    """Validate the files as a data package in a staging folder, then replace the clean files together."""
    staging = Path(tempfile.mkdtemp(prefix="clean-staging-"))
    try:
        for name, text in files.items():
            write_bytes_named(staging / name, text.encode("utf-8"))
        errors = datapackage.validation_errors(staging / paths.DATAPACKAGE)
        if errors:
            raise FindingsError("the clean files do not match their schema:\n" + "\n".join(f"  {e}" for e in errors))
    finally:
        shutil.rmtree(staging)
    write_files_atomic({Path(clean_dir) / name: text for name, text in files.items()}, only_changed=True)


def record_count(text: str) -> int:
    """The rows of a CSV text under its header."""
    return max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1, 0)


def shrinking(files: dict[str, str], clean_dir: Path) -> list[str]:
    """'indicators.csv from 115 to 3 rows' for each guarded clean table that would lose more than half its rows."""
    found = []
    for name in SHRINK_GUARDED:
        published = Path(clean_dir) / name
        if name in files and published.is_file():
            before, after = record_count(published.read_text(encoding="utf-8")), record_count(files[name])
            if after < before / 2:
                found.append(f"{name} from {before} to {after} rows")
    return found


def run_clean_step(raw_dir: Path, clean_dir: Path, as_of: dt.date | None, strict: bool, allow_shrink: bool = False,
                   sources_dir: Path | None = None) -> CleanLayer:
    """Build, check, validate and publish the clean layer; raise before writing anything if it must stop.

    Unless `allow_shrink`, a raw table without rows stops it, and so does a clean table that would lose most of
    its rows. The documents are read from `sources_dir`, by default the folder SOURCES_DIR names.
    """
    result = build(raw_dir, as_of, sources_dir, allow_empty=allow_shrink)
    stopping = stopping_findings(result.checks, strict)
    if not stopping.empty:
        raise FindingsError(findings_message(stopping, Path(raw_dir) / paths.FIGURES_TABLE))
    files = clean_files(result, raw_dir)
    lost = [] if allow_shrink else shrinking(files, clean_dir)
    if lost:
        raise ShrinkError(f"the clean layer in {clean_dir} would lose most of its rows: {'; '.join(lost)}; if that is "
                          f"meant, pass {ALLOW_SHRINK}")
    publish(files, clean_dir)
    return result


def summary_lines(result: CleanLayer) -> list[str]:
    """The clean step in a few computed sentences."""
    table = result.indicators
    kinds = table["kind"].value_counts()
    raw_rows = table.loc[table["kind"] != "derived", "figure_id"].nunique()
    severity = result.checks["severity"].value_counts()
    return [
        f"{raw_rows} raw figures from {table['source_id'].nunique()} sources -> {len(table)} clean rows: "
        + ", ".join(f"{kinds.get(k, 0)} {k}" for k in ("observed", "derived", "target")) + ".",
        f"{table['indicator'].nunique()} indicators, {table['country'].nunique()} countries, "
        + (f"periods {table['period'].min()} to {table['period'].max()}." if table["period"].notna().any()
           else "no periods."),
        f"Consistency checks: {len(result.checks)} finding(s) "
        f"({severity.get('error', 0)} error, {severity.get('warning', 0)} warning).",
    ]


def core_coverage(result: CleanLayer, vocabulary: pd.DataFrame) -> pd.DataFrame:
    """Rows per kind for each core indicator of the data contract."""
    core = vocabulary.loc[vocabulary["core"] == "true", "indicator"]
    counts = (result.indicators[result.indicators["indicator"].isin(core)]
              .pivot_table(index="indicator", columns="kind", values="figure_id", aggfunc="count", fill_value=0))
    return counts.reindex(index=sorted(core), columns=["observed", "derived", "target"], fill_value=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", help="leave out sources published after this date (YYYY-MM-DD)")
    parser.add_argument("--strict", action="store_true", help="stop on warnings too, not only on errors")
    parser.add_argument("--allow-shrink", action="store_true",
                        help="publish even an empty raw table, or clean tables that lose most of their rows")
    parser.add_argument("--raw-dir", type=Path, default=paths.DATA_RAW, help="the raw layer (default: data/raw)")
    parser.add_argument("--clean-dir", type=Path, default=paths.DATA_CLEAN, help="where to publish (default: data/clean)")
    args = parser.parse_args(argv)
    with stops_reported(args.clean_dir, paths.CLEAN_FILES):
        try:
            result = run_clean_step(args.raw_dir, args.clean_dir, params.iso_date("as_of", args.as_of), args.strict,
                                    args.allow_shrink)
        except (raw.RawDataError, clean.CleanError, official.OfficialDataError, verdicts.LinkError, FindingsError, ShrinkError,
                params.ParameterError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print("\n".join(summary_lines(result)))
    return 0


if __name__ == "__main__":
    exit_on_sigterm()
    exit_with(main())
