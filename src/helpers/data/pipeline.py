"""The clean step end to end: raw layer in, clean files out, all or nothing.

    python -m helpers.data.pipeline [--as-of YYYY-MM-DD] [--strict]

`make data` runs it; notebooks/01-clean.ipynb calls the same functions and shows their results.

Every clean file is first written to a staging folder and validated there as a Frictionless Data
Package; only a valid package replaces the previous clean files, so a failed run leaves
data/clean as it was.
"""
import argparse
import datetime as dt
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import params, paths
from helpers.data import checks, clean, datapackage, official, raw, verdicts
from helpers.files import csv_text, exit_on_sigterm, exit_with, json_text, write_files_atomic

class FindingsError(ValueError):
    """Consistency findings that stop the clean step (errors always, warnings when strict)."""


@dataclass(frozen=True)
class CleanLayer:
    indicators: pd.DataFrame
    checks: pd.DataFrame
    sources: pd.DataFrame
    official: pd.DataFrame  # the official series, long: indicator, country, period, value, unit, dataset
    claims_vs_official: pd.DataFrame


def build(raw_dir: Path, as_of: dt.date | None, sources_dir: Path | None = None) -> CleanLayer:
    layer = raw.load_raw_layer(raw_dir, sources_dir if sources_dir is not None else paths.sources_dir())
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
            (staging / name).write_text(text, encoding="utf-8")
        errors = datapackage.validation_errors(staging / paths.DATAPACKAGE)
        if errors:
            raise FindingsError("the clean files do not match their schema:\n" + "\n".join(f"  {e}" for e in errors))
    finally:
        shutil.rmtree(staging)
    write_files_atomic({Path(clean_dir) / name: text for name, text in files.items()}, only_changed=True)


def run_clean_step(raw_dir: Path, clean_dir: Path, as_of: dt.date | None, strict: bool) -> CleanLayer:
    """Build, check, validate and publish the clean layer; raise before writing anything if it must stop."""
    result = build(raw_dir, as_of)
    stopping = stopping_findings(result.checks, strict)
    if not stopping.empty:
        raise FindingsError(findings_message(stopping, Path(raw_dir) / paths.FIGURES_TABLE))
    publish(clean_files(result, raw_dir), clean_dir)
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
        f"periods {table['period'].min()} to {table['period'].max()}.",
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
    args = parser.parse_args(argv)
    try:
        result = run_clean_step(paths.DATA_RAW, paths.DATA_CLEAN, params.iso_date("as_of", args.as_of), args.strict)
    except (raw.RawDataError, clean.CleanError, official.OfficialDataError, verdicts.LinkError, FindingsError,
            params.ParameterError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join(summary_lines(result)))
    return 0


if __name__ == "__main__":
    exit_on_sigterm()
    exit_with(main())
