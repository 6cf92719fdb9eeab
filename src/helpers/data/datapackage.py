"""The clean files as a Frictionless Data Package: their fields, units and sources, and their validation.

The schema below is the one statement of what a clean file holds; frictionless validates every clean
file against it before the file is published, so the checks are not written by hand.
"""
from pathlib import Path

import pandas as pd

from helpers.data.checks import CHECKS_COLUMNS
from helpers.data.clean import CLEAN_COLUMNS
from helpers.data.raw import corpus_articles, corpus_years

ISO_PERIOD = r"^\d{4}(-\d{2}(-\d{2})?)?$"
UNITS = ["rank", "count", "percent", "index", "vnd", "usd", "times"]


def field(name: str, type_: str, description: str, **constraints) -> dict:
    spec = {"name": name, "type": type_, "description": description}
    if constraints:
        spec["constraints"] = constraints
    return spec


INDICATOR_FIELDS = {
    "indicator": field("indicator", "string", "Indicator id; title, unit and description in indicator_metadata.csv",
                       required=True, pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"),
    "country": field("country", "string", "ISO 3166-1 alpha-3 code", required=True, pattern=r"^[A-Z]{3}$"),
    "period": field("period", "string", "ISO 8601 period the value is about: survey year for ranks, as-of date "
                    "for cumulative counts, calendar year for growth, target year for targets; empty only for a "
                    "target the text gives no year for (period_basis 'none: ...')", pattern=ISO_PERIOD),
    "value": field("value", "number", "The value in base units: counts whole, percentages 0-100, ranks integers",
                   required=True),
    "unit": field("unit", "string", "Unit of value", required=True, enum=UNITS),
    "kind": field("kind", "string", "observed: stated for the period; derived: implied by a relative statement; "
                  "target: a policy goal", required=True, enum=["observed", "derived", "target"]),
    "qualifier": field("qualifier", "string", "exact, approx (nearly, about), at_least (more than, over), at_most",
                       required=True, enum=["exact", "approx", "at_least", "at_most"]),
    "source_id": field("source_id", "string", "The source document (sources.csv)", required=True),
    "figure_id": field("figure_id", "string", "The raw figure (data/raw/figures.csv) the row was cleaned or "
                       "derived from", required=True),
    "denominator": field("denominator", "integer", "Only where the text gives it: the number ranked for a rank "
                         "('86/193', '76th out of 193 countries'), the whole for a count ('48 out of 63'); the note "
                         "says where it comes from", minimum=1),
    "value_low": field("value_low", "number", "For a stated range: its lower end"),
    "value_high": field("value_high", "number", "For a stated range: its upper end"),
    "alt_value": field("alt_value", "number", "An equivalent the text gives in another unit"),
    "alt_unit": field("alt_unit", "string", "Unit of alt_value", enum=UNITS),
    "published": field("published", "string", "Publication date of the source (ISO 8601, precision as known)",
                       required=True, pattern=ISO_PERIOD),
    "period_basis": field("period_basis", "string", "How the period is known: 'stated' (or 'stated: ...', read off "
                          "a stated range), 'inferred: <how>', or 'none: ...' for an undated target", required=True,
                          pattern=r"^(stated(: .+)?|inferred: .+|none: .+)$"),
    "period_basis_vi": field("period_basis_vi", "string", "period_basis in Vietnamese, as the Vietnamese report "
                             "shows it", required=True),
    "note": field("note", "string", "How the figure was read"),
    "note_vi": field("note_vi", "string", "note in Vietnamese, as the Vietnamese report shows it"),
    "relates_to": field("relates_to", "string", "For a stated multiple or share: the figures whose ratio it states, "
                        "as 'part / base' (figure ids; '?' where no source gives the base; an indicator id where "
                        "other sources state it), readings separated by '; '"),
    "value_raw": field("value_raw", "string", "The figure exactly as the text writes it", required=True),
    "quote": field("quote", "string", "The verbatim sentence, at most about 20 words, that holds the figure "
                   "(for a derived row: the figure it was derived from)", required=True),
}

FINDING_FIELDS = {
    "check": field("check", "string", "Which consistency check", required=True,
                   enum=["cumulative_decrease", "disagreement", "population_share", "rank_above_denominator",
                         "restated_claim", "share_above_100", "stated_ratio"]),
    "severity": field("severity", "string", "error: impossible data; warning: a claim to read with care",
                      required=True, enum=["error", "warning"]),
    "indicator": INDICATOR_FIELDS["indicator"],
    "country": INDICATOR_FIELDS["country"],
    "period": INDICATOR_FIELDS["period"],
    "figure_ids": field("figure_ids", "string", "The figures concerned, separated by ';'", required=True),
    "message": field("message", "string", "What was found", required=True),
    "message_vi": field("message_vi", "string", "What was found, in Vietnamese", required=True),
}

SOURCE_FIELDS = [
    field("source_id", "string", "Short id of the source document", required=True, unique=True),
    field("file", "string", "File name of the document", required=True),
    field("sha256", "string", "SHA-256 of the document", required=True, pattern=r"^[0-9a-f]{64}$"),
    field("title", "string", "Headline ('[descriptive]' where the text has none)", required=True),
    field("outlet", "string", "Publisher as the text names it; unknown where the text names none", required=True),
    field("published", "string", "Publication date, ISO 8601, precision as known", required=True, pattern=ISO_PERIOD),
    field("published_basis", "string", "How the date is known: stated in the text, or inferred from an event",
          required=True),
    field("published_basis_vi", "string", "published_basis in Vietnamese, as the Vietnamese report shows it",
          required=True),
    field("language", "string", "Language of the text (BCP 47)", required=True),
    field("url", "string", "Address, where the text gives one"),
]

METADATA_FIELDS = [
    field("indicator", "string", "Indicator id", required=True, unique=True),
    field("title", "string", "Short title", required=True),
    field("title_vi", "string", "Short title in Vietnamese, as the Vietnamese report shows it", required=True),
    field("unit", "string", "Unit", required=True, enum=UNITS),
    field("family", "string", "Which notebook and report section charts it", required=True),
    field("denominator", "integer", "For ranks: countries ranked"),
    field("cumulative", "boolean", "A running total", required=True),
    field("core", "boolean", "One of the fixed core indicators of the data contract", required=True),
    field("description", "string", "What it measures", required=True),
    field("share_of", "string", "For a share of the population: the count indicator it is a share of"),
]


def official_fields(described: dict[str, dict]) -> list[dict]:
    """The schema of official_indicators.csv, derived from what the raw metadata files describe: the indicator ids,
    their units and the kinds of source are those the files hold, so a new series needs no change here."""
    titles = "; ".join(f"{key}: {entry['title']} ({entry['unit']})" if "title" in entry else f"{key} ({entry['unit']})"
                       for key, entry in sorted(described.items()))
    return [
        field("indicator", "string", f"The series: {titles}", required=True, enum=sorted(described)),
        field("country", "string", "ISO 3166-1 alpha-3 code of a UN member", required=True, pattern=r"^[A-Z]{3}$"),
        field("period", "string", "Year the value is about: the survey edition, or the calendar year", required=True,
              pattern=r"^\d{4}$"),
        field("value", "number", "The value in base units; its valid range is checked against the file's metadata",
              required=True),
        field("unit", "string", "Unit of value", required=True,
              enum=sorted({entry["unit"] for entry in described.values()})),
        field("dataset", "string", "The raw file in data/raw/official/ (its .meta.json says where it comes from)",
              required=True),
        field("edition", "string", "The edition of a source that revises past years (a survey or report year); "
              "empty for a series with one value per year", pattern=r"^\d{4}$"),
        field("source_kind", "string", "official (a statistical office or international organisation) or "
              "industry_estimate (a company's report, never to be read as official)", required=True,
              enum=sorted({kind for entry in described.values() for kind in entry["source_kinds"]})),
    ]


def comparison_fields(described: dict[str, dict]) -> list[dict]:
    return [
        INDICATOR_FIELDS["figure_id"], INDICATOR_FIELDS["source_id"], INDICATOR_FIELDS["kind"],
        INDICATOR_FIELDS["indicator"],
        field("theme", "string", "The indicator's family in indicator_metadata.csv, to group claims by"),
        INDICATOR_FIELDS["country"], INDICATOR_FIELDS["period"],
        field("claim_value", "number", "The value the article states (or implies, for a derived row)", required=True),
        INDICATOR_FIELDS["qualifier"],
        field("comparison", "string", "How the claim is checked (data/raw/claim_links.csv): same_value, rank, "
              "multiple_of_series, conversion, share_of_group, or none; empty when the indicator has no link",
              enum=["same_value", "rank", "multiple_of_series", "conversion", "share_of_group", "none"]),
        field("series", "string", "The public series it is checked against (official_indicators.csv)",
              enum=sorted(described)),
        field("official_period", "string", "The year (or years) of the public value"),
        field("official_value", "number", "The public value in the claim's unit: the series' value, the multiple, "
              "the amount converted at the official rate, or the share of the population group; for not_comparable, "
              "the latest value of the other measure, in its own unit"),
        field("dataset", "string", "The raw file(s) the public value comes from"),
        field("edition", "string", "The edition of the series the value comes from, where editions revise past years"),
        field("source_kind", "string", "official or industry_estimate", enum=["industry_estimate", "official"]),
        field("difference", "number", "official_value - claim_value"),
        field("direction", "string", "For a claim that differs: whether the public value is higher or lower",
              enum=["higher", "lower"]),
        field("verdict", "string", "agrees (equal, or within what the qualifier and the inputs' rounding allow), "
              "differs, not_comparable (a series that measures something else), no_public_series (nothing public and "
              "machine-readable found; the reason names what was looked for), target_met, target_not_met, "
              "target_not_yet_known, or not_checked (with its reason)", required=True,
              enum=["agrees", "differs", "no_public_series", "not_checked", "not_comparable", "target_met",
                    "target_not_met", "target_not_yet_known"]),
        field("reason", "string", "How the verdict was reached, or why there is none", required=True),
        field("reason_vi", "string", "reason in Vietnamese, as the Vietnamese report shows it", required=True),
    ]


def resource(name: str, title: str, description: str, fields: list[dict], **schema_extra) -> dict:
    return {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "title": title, "description": description,
            "schema": {"fields": fields, **schema_extra}}


def descriptor(sources: pd.DataFrame, official_origins: list[dict], described: dict[str, dict]) -> dict:
    """The datapackage.json of the clean folder, citing each source document and each official file."""
    assert list(INDICATOR_FIELDS) == CLEAN_COLUMNS and list(FINDING_FIELDS) == CHECKS_COLUMNS
    return {
        "profile": "tabular-data-package",
        "name": "vn-digital-government-indicators",
        "title": "Viet Nam digital government and digital transformation: figures from "
                 f"{corpus_articles(sources)} ({corpus_years(sources)})",
        "description": f"Every quantitative claim of {corpus_articles(sources)} on Viet Nam's "
                       "e-government and digital transformation, parsed into base units with its period, kind (observed, derived, target) "
                       "and qualifier, each row traceable to a verbatim quote in data/raw/figures.csv.",
        "sources": [{"title": f"{s.title} ({s.outlet}, {s.published})", "path": s.file} for s in sources.itertuples()]
                   + official_origins,
        "resources": [
            resource("indicators", "Clean indicator table", "One row per indicator, country, period and source claim.",
                     list(INDICATOR_FIELDS.values()), primaryKey=["figure_id", "kind"],
                     foreignKeys=[{"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}},
                                  {"fields": "indicator",
                                   "reference": {"resource": "indicator_metadata", "fields": "indicator"}}]),
            resource("checks", "Consistency findings", "Disagreements and implausible claims found in the clean table.",
                     list(FINDING_FIELDS.values())),
            resource("sources", "Source documents", "The articles the figures come from.", SOURCE_FIELDS),
            resource("indicator_metadata", "Indicator metadata", "Title, unit and description of each indicator.",
                     METADATA_FIELDS),
            resource("official_indicators", "Public series",
                     "The public series in data/raw/official (the UN E-Government Survey, World Bank indicators, and "
                     "the e-Conomy SEA reports as an industry estimate), one row per indicator, country, period, "
                     "dataset and edition.", official_fields(described),
                     primaryKey=["indicator", "country", "period", "dataset", "edition"]),
            resource("claims_vs_official", "Claims against the public series",
                     "Every news claim (one row per row of indicators.csv) with how it is checked, the public value "
                     "and a verdict with its reason.", comparison_fields(described),
                     primaryKey=["figure_id", "kind"],
                     foreignKeys=[{"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}}]),
        ],
    }


def validation_errors(package_path: Path) -> list[str]:
    """Every row-level or file-level problem frictionless finds in the package; empty when valid."""
    from frictionless import validate

    report = validate(str(package_path))
    return [f"{task.name}: row {error.get('rowNumber', '-')}, field {error.get('fieldName', '-')}: {error['message']}"
            for task in report.tasks for error in (e.to_descriptor() for e in task.errors)] + \
           [error.message for error in report.errors]
