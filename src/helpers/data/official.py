"""The public series the news claims report on: UN E-Government Survey editions, World Bank indicators, and
the e-Conomy SEA reports' estimates.

Each file in data/raw/official/ is a byte-for-byte copy of a public machine-readable file, described by
`<dataset>.meta.json` beside it: where the copy comes from, its sha256, its licence, which reader takes
it, how its columns map to the contract's indicator ids, each indicator's unit, titles and valid range,
and what differs from the producer's own file. The metadata is validated against META_SCHEMA first; the
file is then read only if it lies inside data/raw/official and its sha256 is the one recorded. Each survey
edition is checked against what the UN publishes (every member of that year once, ranks that follow the
index, an EGDI that is the mean of its three components); each World Bank value against its indicator's
range. The result is the long table `indicator, country, period, value, unit, dataset, edition,
source_kind`. Editions that are not in the raw files are listed in gaps.csv, never interpolated.

Every failure raises OfficialDataError naming the file, the line and what was expected. Nothing here
writes a file: the caller decides where the tables go.
"""
import csv
import functools
import hashlib
import io
import json
import math
import re
from importlib.metadata import version
from pathlib import Path

import jsonschema
import pandas as pd
import pycountry

from helpers import paths
from helpers.data.clean import whole_or_float


class OfficialDataError(ValueError):
    """An official file that is not what its metadata says, or a claim that cannot be compared."""


ASEAN_MEMBERS = ("BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM")

# The 193 UN member states (https://www.un.org/en/about-us/member-states), as ISO 3166-1 alpha-3 codes.
UN_MEMBERS = frozenset("""
    AFG AGO ALB AND ARE ARG ARM ATG AUS AUT AZE BDI BEL BEN BFA BGD BGR BHR BHS BIH BLR BLZ BOL BRA
    BRB BRN BTN BWA CAF CAN CHE CHL CHN CIV CMR COD COG COL COM CPV CRI CUB CYP CZE DEU DJI DMA DNK
    DOM DZA ECU EGY ERI ESP EST ETH FIN FJI FRA FSM GAB GBR GEO GHA GIN GMB GNB GNQ GRC GRD GTM GUY
    HND HRV HTI HUN IDN IND IRL IRN IRQ ISL ISR ITA JAM JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO
    LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MOZ
    MRT MUS MWI MYS NAM NER NGA NIC NLD NOR NPL NRU NZL OMN PAK PAN PER PHL PLW PNG POL PRK PRT PRY
    QAT ROU RUS RWA SAU SDN SEN SGP SLB SLE SLV SMR SOM SRB SSD STP SUR SVK SVN SWE SWZ SYC SYR TCD
    TGO THA TJK TKM TLS TON TTO TUN TUR TUV TZA UGA UKR URY USA UZB VCT VEN VNM VUT WSM YEM ZAF ZMB
    ZWE
""".split())
# Members admitted since 2006, with the year; before 2006 Serbia and Montenegro were one member, which
# no ISO code of today stands for, so membership is known here from 2006 on.
UN_ADMISSION_YEAR = {"MNE": 2006, "SSD": 2011}
FIRST_MEMBERSHIP_YEAR = 2006

# UN country names that pycountry cannot look up, even in the UN's "Name (qualifier)" form. Its fuzzy
# search is not used instead: it answers "Republic of Korea" with the Democratic People's Republic.
NAME_ALIASES = {
    "Democratic Republic of the Congo": "COD",  # ISO: "Congo, The Democratic Republic of the"
    "Georgia (Country)": "GEO",  # the UN Data Center's spelling, to tell the country from the US state
    "Republic of Korea": "KOR",  # ISO: "Korea, Republic of"
    "The former Yugoslav Republic of Macedonia": "MKD",  # the UN's name until 2019
    "Turkey": "TUR",  # ISO and the UN have used "Türkiye" since 2022
}

SURVEY_INDEXES = ("egdi", "osi", "hci", "tii", "epi")
SURVEY_RANKS = ("egdi_rank", "osi_rank", "egdi_rank_asean", "osi_rank_asean")
SURVEY_INDICATORS = SURVEY_INDEXES + SURVEY_RANKS
PUBLISHED_VALUES = ("egdi_rank", "egdi", "epi", "osi", "hci", "tii")
EGDI_COMPONENTS = ("osi", "hci", "tii")
SURVEY_UNITS = {**dict.fromkeys(SURVEY_INDEXES, "index"), **dict.fromkeys(SURVEY_RANKS, "rank")}

# The finest precision any edition publishes; rounding to it removes the binary-float noise of some
# copies (0.6955600000000001 -> 0.69556) without changing a published digit.
INDEX_DECIMALS = 5
# The UN publishes the EGDI and its components to 4 or 5 decimals. The mean of three numbers each
# rounded by at most half a unit of the 4th decimal is off by at most 0.00005, and the rounded EGDI by
# another 0.00005: together 0.0001. An edition's metadata may widen this, with its reason.
EGDI_MEAN_TOLERANCE = 1e-4

OFFICIAL_COLUMNS = ["indicator", "country", "period", "value", "unit", "dataset", "edition", "source_kind"]
OFFICIAL_SORT_KEY = ["indicator", "country", "period", "dataset", "edition"]
SOURCE_KINDS = ("official", "industry_estimate")
READER_NAMES = ("un_egov_survey", "wb_long", "economy_sea_gmv")  # the formats a reader exists for (READERS)
META_SUFFIX = ".meta.json"


# --- metadata and bytes -----------------------------------------------------------------------------

def metadata_files(official_dir: Path = paths.OFFICIAL_RAW) -> list[Path]:
    """The metadata files of the raw official folder, sorted by name."""
    found = sorted(Path(official_dir).glob(f"*{META_SUFFIX}"))
    if not found:
        raise OfficialDataError(f"{official_dir}: no *{META_SUFFIX} file; the official series cannot be read")
    return found


INDICATOR_ID = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
NON_EMPTY = {"type": "string", "minLength": 1}
PRODUCER_COLUMNS = ("producer", "producer_vi")  # a dataset's producer in each language of the report


def _indicator_schema(*extra_required: str) -> dict:
    """An indicator a file holds, as its metadata describes it: id, unit, titles in both languages, range."""
    return {"type": "object", "required": ["id", "title", "title_vi", "unit", "description", *extra_required],
            "properties": {
                "id": {"type": "string", "pattern": INDICATOR_ID},
                "code": {"type": "string", "minLength": 1},
                "title": {"type": "string", "minLength": 1}, "title_vi": {"type": "string", "minLength": 1},
                "unit": {"type": "string", "pattern": INDICATOR_ID},
                "description": {"type": "string", "minLength": 1},
                "value_type": {"enum": ["integer", "number"]},
                "minimum": {"type": "number"}, "maximum": {"type": "number"},
                "exclusive_minimum": {"type": "boolean"},
                "every_un_member": {"type": "boolean"},
                "metric": {"type": "string", "minLength": 1}}}


# What every metadata file must say, and what each reader needs besides; validated before a file is read, so
# that a missing or mistyped field is reported as such (file and field), not as a failure further on.
META_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["dataset", "reader", "source_kind", "title", "description", "producer", "producer_vi", "url_main",
                 "license", "date_accessed", "copy", "file", "sha256", "bytes", "rows", "format", "columns", "caveats"],
    "properties": {
        "dataset": {"type": "string", "pattern": INDICATOR_ID},
        "reader": {"enum": list(READER_NAMES)},
        "source_kind": {"enum": list(SOURCE_KINDS)},
        "title": NON_EMPTY, "description": NON_EMPTY, "url_main": NON_EMPTY,
        "producer": NON_EMPTY, "producer_vi": NON_EMPTY,  # its name in English and as Vietnamese official usage gives it
        "license": {"type": "object", "required": ["name", "url"],
                    "properties": {"name": NON_EMPTY, "url": NON_EMPTY}},
        "date_accessed": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "copy": {"type": "object", "required": ["repository", "commit", "path"],
                 "properties": {"repository": NON_EMPTY, "commit": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
                                "path": NON_EMPTY}},
        "file": {"type": "string", "pattern": r"^[^/\\]+$"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "bytes": {"type": "integer", "minimum": 0},
        "rows": {"type": "integer", "minimum": 0},
        "format": {"type": "object", "required": ["encoding", "delimiter"],
                   "properties": {"encoding": NON_EMPTY, "delimiter": {"type": "string", "minLength": 1, "maxLength": 1}}},
        "columns": {"type": "object", "minProperties": 1, "additionalProperties": {"type": ["string", "null"]}},
        "caveats": {"type": "array", "items": NON_EMPTY},
        "edition": {"type": "integer"},
        "indicator": _indicator_schema("value_type"),
        "indicators": {"type": "object", "required": ["gmv", "growth", "growth_rank"],
                       "properties": {"gmv": _indicator_schema("metric"), "growth": _indicator_schema(),
                                      "growth_rank": _indicator_schema()}},
    },
    "allOf": [
        {"if": {"properties": {"reader": {"const": "un_egov_survey"}}}, "then": {"required": ["edition"]}},
        {"if": {"properties": {"reader": {"const": "wb_long"}}}, "then": {"required": ["indicator"]}},
        {"if": {"properties": {"reader": {"const": "economy_sea_gmv"}}}, "then": {"required": ["indicators"]}},
    ],
}


def metadata_problems(meta: object, name: str) -> list[str]:
    """Every way a metadata document breaks META_SCHEMA, one message each, naming the file and the field."""
    validator = jsonschema.Draft202012Validator(META_SCHEMA)
    problems = []
    for error in sorted(validator.iter_errors(meta), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        where = ".".join(map(str, error.absolute_path))
        if error.validator == "required":
            missing = error.message.split("'")[1]
            where = ".".join(filter(None, (where, missing)))
            problems.append(f"{name}: field {where}: missing")
        else:
            problems.append(f"{name}: field {where or '(top level)'}: {error.message}")
    return problems


def read_metadata(meta_path: Path) -> dict:
    """One metadata file, once it is valid JSON that META_SCHEMA accepts."""
    meta_path = Path(meta_path)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OfficialDataError(f"{meta_path.name}: cannot be read as JSON ({error})") from error
    problems = metadata_problems(meta, meta_path.name)
    if problems:
        raise OfficialDataError("\n".join(problems))
    return meta


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def described_file(meta_path: Path, meta: dict) -> Path:
    """The file the metadata describes, once it resolves (symbolic links followed) inside the metadata's folder."""
    folder = Path(meta_path).parent.resolve()
    path = (folder / meta["file"]).resolve()
    if not path.is_relative_to(folder):
        raise OfficialDataError(f"{Path(meta_path).name}: field file: '{meta['file']}' resolves to {path}, outside "
                                f"{folder.name}/; not read")
    return path


def verified_bytes(meta_path: Path, meta: dict) -> bytes:
    """The raw file's bytes, once their sha256 is the one its metadata records."""
    path = described_file(meta_path, meta)
    if not path.is_file():
        raise OfficialDataError(f"{meta['file']}: missing; {Path(meta_path).name} describes it")
    data = path.read_bytes()
    actual = sha256_of(data)
    if actual != meta["sha256"]:
        copy = meta["copy"]
        raise OfficialDataError(
            f"{meta['file']}: sha256 is {actual} but {Path(meta_path).name} (field sha256) expects {meta['sha256']}: "
            f"the copy was changed or truncated ({len(data)} bytes); restore it byte for byte from "
            f"{copy['repository']}@{copy['commit']}:{copy['path']}")
    return data


def raw_rows(meta_path: Path, meta: dict) -> list[tuple[int, dict]]:
    """(line number, {role: text}) for every data row, the header checked against the metadata's columns.

    Roles are the metadata's names for the columns (country, name, edition, year, or an indicator id);
    columns mapped to null are not read.
    """
    data = verified_bytes(meta_path, meta)
    name = meta["file"]
    try:
        text = data.decode(meta["format"]["encoding"])
    except UnicodeDecodeError as error:
        raise OfficialDataError(f"{name}: not {meta['format']['encoding']} ({error})") from error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=meta["format"]["delimiter"])
    header = next(reader, None)
    expected = list(meta["columns"])
    if header != expected:
        raise OfficialDataError(f"{name}: line 1: header is {header} but the metadata expects {expected}")
    rows = []
    for record in reader:
        if len(record) != len(expected):
            raise OfficialDataError(
                f"{name}: line {reader.line_num}: {len(record)} fields, expected {len(expected)} ({expected})")
        rows.append((reader.line_num, {role: value for role, value in zip(meta["columns"].values(), record)
                                       if role is not None}))
    if len(rows) != meta["rows"]:
        raise OfficialDataError(f"{name}: {len(rows)} data rows but the metadata records {meta['rows']}")
    return rows


# --- countries ----------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _library_code(name: str) -> str | None:
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        pass
    qualified = re.fullmatch(r"(.+?) \((.+)\)", name)  # the UN's "Iran (Islamic Republic of)"
    if qualified:
        try:
            return pycountry.countries.lookup(f"{qualified[1]}, {qualified[2]}").alpha_3  # ISO's word order
        except LookupError:
            pass
    return None


def country_code(name: str, where: str) -> str:
    """ISO 3166-1 alpha-3 of a country name, by pycountry's look-up, then NAME_ALIASES; `where` names file and line."""
    stripped = name.strip()
    code = _library_code(stripped) or NAME_ALIASES.get(stripped)
    if code is None:
        raise OfficialDataError(
            f"{where}: country name '{stripped}' is not known to pycountry {pycountry_version()} nor listed in "
            f"NAME_ALIASES; add it to NAME_ALIASES only if it is a UN name for a member")
    return code


def checked_iso_code(code: str, where: str) -> str:
    """A code column's value, once pycountry knows it as an ISO 3166-1 alpha-3 code."""
    if pycountry.countries.get(alpha_3=code) is None:
        raise OfficialDataError(f"{where}: '{code}' is not an ISO 3166-1 alpha-3 code")
    return code


def pycountry_version() -> str:
    return version("pycountry")


def un_members(year: int) -> frozenset[str]:
    """The UN members of a year (192 in 2006-2010, 193 since July 2011)."""
    if year < FIRST_MEMBERSHIP_YEAR:
        raise OfficialDataError(
            f"UN membership of {year} is not modelled: before {FIRST_MEMBERSHIP_YEAR} Serbia and Montenegro were one "
            "member")
    return frozenset(code for code in UN_MEMBERS if UN_ADMISSION_YEAR.get(code, 0) <= year)


# --- survey editions ----------------------------------------------------------------------------------

def number(text: str, where: str, column: str) -> float | None:
    """A published number, None when blank."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise OfficialDataError(f"{where}: {column} is '{text}', not a number") from None
    if not math.isfinite(value):
        raise OfficialDataError(f"{where}: {column} is '{text}', not a finite number")
    return value


def read_survey_edition(meta_path: Path) -> pd.DataFrame:
    """One edition's members: country, name, line, egdi_rank, egdi, epi, osi, hci, tii; checked, sorted by country.

    Rows of countries that were not yet members that year are left out when every value is blank (South
    Sudan in 2010) and are an error otherwise.
    """
    meta_path = Path(meta_path)
    meta = read_metadata(meta_path)
    if meta["reader"] != "un_egov_survey":
        raise OfficialDataError(f"{meta_path.name}: field reader is '{meta['reader']}', not un_egov_survey")
    name, year = meta["file"], int(meta["edition"])
    members = un_members(year)
    records = []
    for line, row in raw_rows(meta_path, meta):
        where = f"{name}: line {line}"
        if "edition" in row and row["edition"].strip() != str(year):
            raise OfficialDataError(f"{where}: survey year '{row['edition']}', expected {year}")
        from_name = country_code(row["name"], where)
        code = from_name
        if "country" in row:
            code = checked_iso_code(row["country"].strip(), where)
            if code != from_name:
                raise OfficialDataError(
                    f"{where}: the name '{row['name'].strip()}' is {from_name} but the code column says {code}")
        values = {column: number(row[column], where, column) for column in PUBLISHED_VALUES}
        if code not in members:
            if any(value is not None for value in values.values()):
                raise OfficialDataError(f"{where}: {code} was not a UN member in {year} but has values")
            continue
        if values["egdi_rank"] is not None and not values["egdi_rank"].is_integer():
            raise OfficialDataError(f"{where}: rank {values['egdi_rank']} is not a whole number")
        records.append({"country": code, "name": row["name"].strip(), "line": line, **values})
    edition = pd.DataFrame(records, columns=["country", "name", "line", *PUBLISHED_VALUES])
    for column in SURVEY_INDEXES:
        edition[column] = edition[column].astype(float).round(INDEX_DECIMALS)
    edition["egdi_rank"] = edition["egdi_rank"].astype("Int64")
    validate_survey_edition(edition, meta)
    return edition.sort_values("country", ignore_index=True)


def validate_survey_edition(edition: pd.DataFrame, meta: dict) -> None:
    """Every member of the year once, every value present, ranks that follow the EGDI, EGDI = mean of OSI, HCI, TII.

    Membership is checked first and alone, since ranks are positions among all members. Ranks may order
    members with the same (rounded) EGDI either way, since the UN ranks unrounded values; a member with a
    higher EGDI must rank better. The metadata's `egdi_placeholders` (EGDI 0 where the survey computed
    none) are kept out of the mean check, and its `egdi_mean_tolerance` widens the check for an edition
    whose published components do not add up exactly (with its reason). All problems are raised together.
    """
    name, year = meta["file"], int(meta["edition"])
    problems = []
    members = un_members(year)
    codes = edition["country"]
    for code, lines in edition.groupby("country")["line"]:
        if len(lines) > 1:
            problems.append(f"{code} appears on lines {', '.join(map(str, lines))}; expected each member once")
    missing = sorted(members - set(codes))
    if missing:
        problems.append(f"expected every one of the {len(members)} UN members of {year}; missing: {', '.join(missing)}")
    if problems:  # ranks are positions among all members: with one missing or twice, every rank below it is off
        raise OfficialDataError(f"{name} (UN E-Government Survey {year}):\n  " + "\n  ".join(problems))

    placeholders = set(meta.get("egdi_placeholders", []))
    for code in sorted(placeholders - set(codes)):
        problems.append(f"egdi_placeholders lists {code}, which has no row")
    for row in edition.itertuples():
        where = f"line {row.line}: {row.country}"
        required = ("egdi_rank", "egdi") if row.country in placeholders else PUBLISHED_VALUES
        for column in required:
            if pd.isna(getattr(row, column)):
                problems.append(f"{where} has no {column}; expected a value for every member")
        if row.country in placeholders and row.egdi != 0:
            problems.append(f"{where} is listed in egdi_placeholders but its EGDI is {row.egdi}, not 0")

    ranked = edition.dropna(subset=["egdi", "egdi_rank"])
    for row in ranked.itertuples():
        best = 1 + int((ranked["egdi"] > row.egdi).sum())
        worst = int((ranked["egdi"] >= row.egdi).sum())
        if not best <= row.egdi_rank <= worst:
            expected = str(best) if best == worst else f"{best} to {worst}"
            problems.append(f"line {row.line}: {row.country} has rank {row.egdi_rank} with EGDI {row.egdi}; "
                            f"expected rank {expected} (rank order must follow descending EGDI)")

    tolerance = float(meta.get("egdi_mean_tolerance", EGDI_MEAN_TOLERANCE))
    for row in edition.dropna(subset=["egdi", *EGDI_COMPONENTS]).itertuples():
        if row.country in placeholders:
            continue
        mean = (row.osi + row.hci + row.tii) / 3
        if abs(row.egdi - mean) > tolerance + 1e-12:
            problems.append(f"line {row.line}: {row.country} has EGDI {row.egdi} but the mean of OSI, HCI and TII is "
                            f"{mean:.5f}; expected within {tolerance}")
    if problems:
        raise OfficialDataError(f"{name} (UN E-Government Survey {year}):\n  " + "\n  ".join(problems))


# The ranks survey_ranks computes from the survey's scores (the survey itself publishes the EGDI rank only): a reader
# sees them as computed, not as the UN's.
COMPUTED_RANKS = ("osi_rank", "egdi_rank_asean", "osi_rank_asean")


def survey_ranks(edition: pd.DataFrame) -> pd.DataFrame:
    """The edition with osi_rank (among all members), egdi_rank_asean and osi_rank_asean; ties share the best."""
    ranked = edition.copy()
    ranked["osi_rank"] = ranked["osi"].rank(ascending=False, method="min").astype("Int64")
    asean = ranked["country"].isin(ASEAN_MEMBERS)
    # The ASEAN EGDI rank follows the UN's own ranks, which order members tied on the rounded EGDI.
    ranked["egdi_rank_asean"] = ranked["egdi_rank"].where(asean).rank(method="min").astype("Int64")
    ranked["osi_rank_asean"] = ranked["osi"].where(asean).rank(ascending=False, method="min").astype("Int64")
    return ranked


def survey_indicators(meta_path: Path) -> pd.DataFrame:
    """One edition as long rows: every index and rank of every member, period and edition = the survey year."""
    meta = read_metadata(meta_path)
    ranked = survey_ranks(read_survey_edition(meta_path))
    rows = [
        {"indicator": indicator, "country": row["country"], "period": str(meta["edition"]),
         "value": whole_or_float(row[indicator]) if indicator in SURVEY_RANKS else float(row[indicator]),
         "unit": SURVEY_UNITS[indicator], "dataset": meta["dataset"], "edition": str(meta["edition"]),
         "source_kind": meta["source_kind"]}
        for row in ranked.to_dict("records") for indicator in SURVEY_INDICATORS
        if not pd.isna(row[indicator])
    ]
    return pd.DataFrame(rows, columns=OFFICIAL_COLUMNS, dtype=object)


# --- World Bank indicators ----------------------------------------------------------------------------------

def in_range(value: float, indicator: dict) -> bool:
    """Whether a value lies in the indicator's valid range (its metadata's minimum, maximum)."""
    minimum, maximum = indicator.get("minimum"), indicator.get("maximum")
    if minimum is not None and (value < minimum or (indicator.get("exclusive_minimum") and value == minimum)):
        return False
    return maximum is None or value <= maximum


def range_text(indicator: dict) -> str:
    low = indicator.get("minimum")
    low_text = "" if low is None else f"{'>' if indicator.get('exclusive_minimum') else '>='} {low}"
    high = indicator.get("maximum")
    return " and ".join(filter(None, (low_text, None if high is None else f"<= {high}"))) or "any number"


def wb_indicator_rows(meta_path: Path) -> pd.DataFrame:
    """A World Bank indicator in the long format `Country Name, Country Code, Year, Value` as rows of the long table.

    One reader for every indicator of that format: the indicator's id, unit, value type (integer or number)
    and valid range come from the metadata's `indicator`. Only UN members are read (the file also holds
    aggregates); with `every_un_member` every member must have a value. The copy's ISO code column is what
    is read; its names are the World Bank's and are not looked up.
    """
    meta_path = Path(meta_path)
    meta = read_metadata(meta_path)
    indicator, name = meta["indicator"], meta["file"]
    rows, seen = [], {}
    for line, row in raw_rows(meta_path, meta):
        code = row["country"].strip()
        if code not in UN_MEMBERS:
            continue
        where = f"{name}: line {line}"
        checked_iso_code(code, where)
        year = row["year"].strip()
        if not re.fullmatch(r"\d{4}", year):
            raise OfficialDataError(f"{where}: year '{year}' is not YYYY")
        value = number(row["value"], where, indicator["id"])
        if value is None:
            raise OfficialDataError(f"{where}: {indicator['id']} is blank; the format gives no row for a missing value")
        if indicator["value_type"] == "integer" and not value.is_integer():
            raise OfficialDataError(f"{where}: {indicator['id']} '{row['value']}' is not a whole number, but "
                                    f"{meta_path.name} (field indicator.value_type) says integer")
        if not in_range(value, indicator):
            raise OfficialDataError(f"{where}: {indicator['id']} {row['value'].strip()} is outside the range "
                                    f"{meta_path.name} gives (fields indicator.minimum, indicator.maximum: "
                                    f"{range_text(indicator)})")
        if (code, year) in seen:
            raise OfficialDataError(f"{where}: {code} {year} already on line {seen[code, year]}; expected once")
        seen[code, year] = line
        rows.append({"indicator": indicator["id"], "country": code, "period": year, "value": whole_or_float(value),
                     "unit": indicator["unit"], "dataset": meta["dataset"], "edition": "",
                     "source_kind": meta["source_kind"]})
    missing = sorted(UN_MEMBERS - {code for code, _ in seen})
    if indicator.get("every_un_member") and missing:
        raise OfficialDataError(f"{name}: expected every one of the {len(UN_MEMBERS)} UN members "
                                f"({meta_path.name}, field indicator.every_un_member); missing: {', '.join(missing)}")
    return pd.DataFrame(rows, columns=OFFICIAL_COLUMNS, dtype=object)


# --- e-Conomy SEA ---------------------------------------------------------------------------------------------

def economy_sea_rows(meta_path: Path) -> pd.DataFrame:
    """The e-Conomy SEA reports' digital-economy GMV, its growth and the growth's rank, each within one report edition.

    GMV (current US$ billion in the file, US$ here) of the metadata's `indicators.gmv.metric`; growth over the
    previous year only where the same edition gives both years, never across editions; the rank of that
    growth among the countries the edition covers for that year, ties sharing the best position.
    """
    meta_path = Path(meta_path)
    meta = read_metadata(meta_path)
    indicators, name = meta["indicators"], meta["file"]
    gmv = {}
    for line, row in raw_rows(meta_path, meta):
        if row["metric"] != indicators["gmv"]["metric"]:
            continue
        where = f"{name}: line {line}"
        code = checked_iso_code(row["country"].strip(), where)
        edition, year = row["edition"].strip(), row["year"].strip()
        if not (re.fullmatch(r"\d{4}", edition) and re.fullmatch(r"\d{4}", year)):
            raise OfficialDataError(f"{where}: edition '{edition}' or year '{year}' is not YYYY")
        if row["unit"] != "current USD billion":
            raise OfficialDataError(f"{where}: unit '{row['unit']}', expected 'current USD billion'")
        value = number(row["value"], where, "value")
        if value is None or value <= 0:
            raise OfficialDataError(f"{where}: GMV '{row['value']}' is not a positive number")
        if (edition, code, year) in gmv:
            raise OfficialDataError(f"{where}: {code} {year} of edition {edition} comes twice")
        gmv[edition, code, year] = value
    levels = pd.DataFrame([{"edition": e, "country": c, "period": y, "value": v} for (e, c, y), v in gmv.items()],
                          columns=["edition", "country", "period", "value"])
    previous = levels.assign(period=(levels["period"].astype(int) + 1).astype(str))
    growth = levels.merge(previous, on=["edition", "country", "period"], suffixes=("", "_before"))
    growth["value"] = ((growth["value"] / growth["value_before"] - 1) * 100).round(6)
    growth["rank"] = growth.groupby(["edition", "period"])["value"].rank(ascending=False, method="min").astype(int)
    tables = [
        levels.assign(indicator=indicators["gmv"]["id"], unit=indicators["gmv"]["unit"],
                      value=(levels["value"] * 1e9).round().astype("int64")),
        growth.assign(indicator=indicators["growth"]["id"], unit=indicators["growth"]["unit"]),
        growth.assign(indicator=indicators["growth_rank"]["id"], unit=indicators["growth_rank"]["unit"],
                      value=growth["rank"]),
    ]
    table = pd.concat([t[["indicator", "country", "period", "value", "unit", "edition"]] for t in tables],
                      ignore_index=True)
    table = table.assign(dataset=meta["dataset"], source_kind=meta["source_kind"])[OFFICIAL_COLUMNS].astype(object)
    table["value"] = pd.Series([whole_or_float(value) for value in table["value"]], dtype=object)
    return table


# --- the long table ----------------------------------------------------------------------------------------

READERS = {"un_egov_survey": survey_indicators, "wb_long": wb_indicator_rows, "economy_sea_gmv": economy_sea_rows}
assert tuple(READERS) == READER_NAMES


def indicator_descriptions(meta: dict) -> list[dict]:
    """The indicators a metadata file describes (id, unit, titles, range), as the data package and links use them."""
    if meta["reader"] == "un_egov_survey":
        return [{"id": indicator, "unit": SURVEY_UNITS[indicator]} for indicator in SURVEY_INDICATORS]
    if meta["reader"] == "wb_long":
        return [meta["indicator"]]
    return list(meta["indicators"].values())


def official_indicators(official_dir: Path = paths.OFFICIAL_RAW) -> pd.DataFrame:
    """Every raw official file read, checked and stacked (OFFICIAL_COLUMNS), sorted; every metadata file is validated
    before any data file is read, so that all metadata problems are reported together."""
    metas = {}
    problems = []
    for meta_path in metadata_files(official_dir):
        try:
            metas[meta_path] = read_metadata(meta_path)
        except OfficialDataError as error:
            problems.append(str(error))
    if problems:
        raise OfficialDataError("\n".join(problems))
    tables = [READERS[meta["reader"]](meta_path) for meta_path, meta in metas.items()]
    table = pd.concat(tables, ignore_index=True)
    duplicated = table.duplicated(OFFICIAL_SORT_KEY, keep=False)
    if duplicated.any():
        first = table[duplicated].iloc[0]
        raise OfficialDataError(f"{official_dir}: {first.indicator} {first.country} {first.period} comes twice from "
                                f"{first.dataset}; expected one value per indicator, country, period and dataset")
    units = table.groupby("indicator")["unit"].nunique()
    if (units > 1).any():
        raise OfficialDataError(f"{official_dir}: indicator {units[units > 1].index[0]} comes in more than one unit")
    return table.sort_values(OFFICIAL_SORT_KEY, kind="stable", ignore_index=True)


def survey_editions(official: pd.DataFrame) -> list[int]:
    """The survey years the official table holds."""
    survey = official[official["indicator"].isin(SURVEY_INDICATORS)]
    return sorted({int(period) for period in survey["period"]})


def gaps(official_dir: Path = paths.OFFICIAL_RAW) -> pd.DataFrame:
    """The editions not in the raw files (gaps.csv): dataset, edition, status, copy, copy_sha256, note."""
    return pd.read_csv(Path(official_dir) / paths.OFFICIAL_GAPS, dtype=str, keep_default_na=False)


# --- what the files describe ---------------------------------------------------------------------------------

def described_indicators(official_dir: Path = paths.OFFICIAL_RAW) -> dict[str, dict]:
    """Every indicator the metadata files describe, by id: unit, titles and range where given, the datasets, kinds
    of source, readers and producers that hold it (`producers`, and `producers_vi` as the Vietnamese report names
    them)."""
    described: dict[str, dict] = {}
    for meta_path in metadata_files(official_dir):
        meta = read_metadata(meta_path)
        for indicator in indicator_descriptions(meta):
            entry = described.setdefault(indicator["id"], {**indicator, "datasets": [], "source_kinds": [],
                                                           "readers": [], "producers": [], "producers_vi": []})
            entry["datasets"].append(meta["dataset"])
            for key, value in (("readers", meta["reader"]), ("producers", meta["producer"]),
                               ("producers_vi", meta["producer_vi"])):
                if value not in entry[key]:
                    entry[key].append(value)
            if meta["source_kind"] not in entry["source_kinds"]:
                entry["source_kinds"].append(meta["source_kind"])
    return described


def population_reference(official: pd.DataFrame, official_dir: Path = paths.OFFICIAL_RAW) -> pd.DataFrame:
    """The population series as the consistency checks take it: country, period, value, and its producer in each
    language of the report (`producer`, `producer_vi`)."""
    people = official[official["indicator"] == "population"].copy()
    metas = [read_metadata(path) for path in metadata_files(official_dir)]
    for name in PRODUCER_COLUMNS:
        people[name] = people["dataset"].map({meta["dataset"]: meta[name] for meta in metas})
    return people.reset_index(drop=True)


def origins(official_dir: Path = paths.OFFICIAL_RAW) -> list[dict]:
    """Each raw official file's origin, as the data package cites it: title, producer, page, copy, sha256, access."""
    cited = []
    for meta_path in metadata_files(official_dir):
        meta = read_metadata(meta_path)
        copy = meta["copy"]
        cited.append({"title": f"{meta['title']} [{meta['source_kind']}]", "path": f"data/raw/official/{meta['file']}",
                      **{name: meta[name] for name in PRODUCER_COLUMNS}, "url": meta["url_main"], "copy": f"{copy['repository']}@{copy['commit']}:{copy['path']}",
                      "sha256": meta["sha256"], "accessed": meta["date_accessed"]})
    return cited
