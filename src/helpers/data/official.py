"""The official series the news claims report on: UN E-Government Survey editions and World Bank population.

Each file in data/raw/official/ is a byte-for-byte copy of a public machine-readable file, described by
`<dataset>.meta.json` beside it: where the copy comes from, its sha256, its licence, how its columns map
to the contract's indicator ids, and what differs from the producer's own file. Reading a file checks
its sha256 first; each survey edition is then checked against what the UN publishes (every member of
that year once, ranks that follow the index, an EGDI that is the mean of its three components) before
it becomes rows of the long table `indicator, country, period, value, unit, dataset`. Editions that are
not in the raw files are listed in gaps.csv, never interpolated.

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

import pandas as pd
import pycountry

from helpers import paths
from helpers.data.clean import whole_or_float
from helpers.i18n import LANGUAGES, N_, column, language


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
UNITS = {**dict.fromkeys(SURVEY_INDEXES, "index"), **dict.fromkeys(SURVEY_RANKS, "rank"), "population": "count"}

# The finest precision any edition publishes; rounding to it removes the binary-float noise of some
# copies (0.6955600000000001 -> 0.69556) without changing a published digit.
INDEX_DECIMALS = 5
# The UN publishes the EGDI and its components to 4 or 5 decimals. The mean of three numbers each
# rounded by at most half a unit of the 4th decimal is off by at most 0.00005, and the rounded EGDI by
# another 0.00005: together 0.0001. An edition's metadata may widen this, with its reason.
EGDI_MEAN_TOLERANCE = 1e-4
# "about", "nearly", "around" in the sources round to two significant figures at most, which moves a
# number by at most 5% of itself.
APPROX_RELATIVE_TOLERANCE = 0.05
CHECKED_KINDS = ("observed", "derived")

OFFICIAL_COLUMNS = ["indicator", "country", "period", "value", "unit", "dataset"]
OFFICIAL_SORT_KEY = ["indicator", "country", "period", "dataset"]
COMPARISON_COLUMNS = [
    "figure_id", "source_id", "kind", "indicator", "country", "period", "claim_value", "qualifier",
    "official_period", "official_value", "dataset", "difference", "verdict",
]
# why a claim is not checked, in every language of the report: `reason`, `reason_vi`
REASON_COLUMNS = [column("reason", code) for code in LANGUAGES]
NOT_CHECKED_COLUMNS = ["figure_id", "source_id", "kind", "indicator", "country", "period", "value", "qualifier",
                       *REASON_COLUMNS]
META_SUFFIX = ".meta.json"
REQUIRED_META = ("dataset", "kind", "title", "producer", "url_main", "license", "date_accessed", "copy", "file",
                 "sha256", "rows", "format", "columns", "caveats")


# --- metadata and bytes -----------------------------------------------------------------------------

def metadata_files(official_dir: Path = paths.OFFICIAL_RAW) -> list[Path]:
    """The metadata files of the raw official folder, sorted by name."""
    found = sorted(Path(official_dir).glob(f"*{META_SUFFIX}"))
    if not found:
        raise OfficialDataError(f"{official_dir}: no *{META_SUFFIX} file; the official series cannot be read")
    return found


def read_metadata(meta_path: Path) -> dict:
    """One metadata file, with its required fields present."""
    meta_path = Path(meta_path)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise OfficialDataError(f"{meta_path.name}: cannot be read as JSON ({error})") from error
    missing = [key for key in REQUIRED_META if key not in meta]
    if missing:
        raise OfficialDataError(f"{meta_path.name}: metadata lacks {', '.join(missing)}")
    return meta


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verified_bytes(meta_path: Path, meta: dict) -> bytes:
    """The raw file's bytes, once their sha256 is the one its metadata records."""
    path = Path(meta_path).parent / meta["file"]
    if not path.is_file():
        raise OfficialDataError(f"{path.name}: missing; {Path(meta_path).name} describes it")
    data = path.read_bytes()
    actual = sha256_of(data)
    if actual != meta["sha256"]:
        copy = meta["copy"]
        raise OfficialDataError(
            f"{path.name}: sha256 is {actual} but {Path(meta_path).name} expects {meta['sha256']}: the copy was "
            f"changed or truncated ({len(data)} bytes); restore it byte for byte from "
            f"{copy.get('repository')}@{copy.get('commit')}:{copy.get('path')}")
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
    if meta["kind"] != "un_egov_survey":
        raise OfficialDataError(f"{meta_path.name}: kind is '{meta['kind']}', not a UN E-Government Survey edition")
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
    """One edition as long rows: every index and rank of every member, period = the survey year."""
    meta = read_metadata(meta_path)
    ranked = survey_ranks(read_survey_edition(meta_path))
    rows = [
        {"indicator": indicator, "country": row["country"], "period": str(meta["edition"]),
         "value": whole_or_float(row[indicator]) if indicator in SURVEY_RANKS else float(row[indicator]),
         "unit": UNITS[indicator], "dataset": meta["dataset"]}
        for row in ranked.to_dict("records") for indicator in SURVEY_INDICATORS
        if not pd.isna(row[indicator])
    ]
    return pd.DataFrame(rows, columns=OFFICIAL_COLUMNS, dtype=object)


# --- population -------------------------------------------------------------------------------------------

def population_indicators(meta_path: Path) -> pd.DataFrame:
    """World Bank SP.POP.TOTL of every UN member and year as long rows: indicator population, unit count, period YYYY.

    The copy's ISO code column is what is read; its names are the World Bank's and are not looked up.
    """
    meta_path = Path(meta_path)
    meta = read_metadata(meta_path)
    if meta["kind"] != "wb_population":
        raise OfficialDataError(f"{meta_path.name}: kind is '{meta['kind']}', not World Bank population")
    name = meta["file"]
    rows, seen = [], {}
    for line, row in raw_rows(meta_path, meta):
        code = row["country"].strip()
        if code not in UN_MEMBERS:
            continue
        where = f"{name}: line {line}"
        checked_iso_code(code, where)
        year, value = row["year"].strip(), row["population"].strip()
        if not re.fullmatch(r"\d{4}", year):
            raise OfficialDataError(f"{where}: year '{year}' is not YYYY")
        if not re.fullmatch(r"\d+", value) or int(value) == 0:
            raise OfficialDataError(f"{where}: population '{value}' is not a positive whole number")
        if (code, year) in seen:
            raise OfficialDataError(f"{where}: {code} {year} already on line {seen[code, year]}; expected once")
        seen[code, year] = line
        rows.append({"indicator": "population", "country": code, "period": year, "value": int(value),
                     "unit": UNITS["population"], "dataset": meta["dataset"]})
    missing = sorted(UN_MEMBERS - {code for code, _ in seen})
    if missing:
        raise OfficialDataError(f"{name}: expected every one of the {len(UN_MEMBERS)} UN members; "
                                f"missing: {', '.join(missing)}")
    return pd.DataFrame(rows, columns=OFFICIAL_COLUMNS, dtype=object)


# --- the long table ----------------------------------------------------------------------------------------

READERS = {"un_egov_survey": survey_indicators, "wb_population": population_indicators}


def official_indicators(official_dir: Path = paths.OFFICIAL_RAW) -> pd.DataFrame:
    """Every raw official file read, checked and stacked: indicator, country, period, value, unit, dataset; sorted."""
    tables = []
    for meta_path in metadata_files(official_dir):
        kind = read_metadata(meta_path)["kind"]
        if kind not in READERS:
            raise OfficialDataError(f"{meta_path.name}: kind '{kind}' has no reader; known: {', '.join(READERS)}")
        tables.append(READERS[kind](meta_path))
    table = pd.concat(tables, ignore_index=True)
    duplicated = table.duplicated(OFFICIAL_SORT_KEY, keep=False)
    if duplicated.any():
        first = table[duplicated].iloc[0]
        raise OfficialDataError(f"{official_dir}: {first.indicator} {first.country} {first.period} comes twice from "
                                f"{first.dataset}; expected one value per indicator, country, period and dataset")
    return table.sort_values(OFFICIAL_SORT_KEY, kind="stable", ignore_index=True)


def survey_editions(official: pd.DataFrame) -> list[int]:
    """The survey years the official table holds."""
    survey = official[official["indicator"].isin(SURVEY_INDICATORS)]
    return sorted({int(period) for period in survey["period"]})


def gaps(official_dir: Path = paths.OFFICIAL_RAW) -> pd.DataFrame:
    """The editions not in the raw files (gaps.csv): dataset, edition, status, copy, copy_sha256, note."""
    return pd.read_csv(Path(official_dir) / paths.OFFICIAL_GAPS, dtype=str, keep_default_na=False)


# --- claims against the official series -----------------------------------------------------------------

def agrees(claim: float, official: float, qualifier: str, figure_id: str = "") -> bool:
    """Whether an official value bears the claim out: equal, or within what the qualifier allows."""
    if qualifier is None or pd.isna(qualifier) or qualifier in ("exact", ""):
        return math.isclose(official, claim, rel_tol=0, abs_tol=1e-9)
    if qualifier == "at_least":
        return official >= claim
    if qualifier == "at_most":
        return official <= claim
    if qualifier == "approx":
        return abs(official - claim) <= APPROX_RELATIVE_TOLERANCE * abs(claim) + 1e-9
    raise OfficialDataError(f"claim {figure_id}: qualifier '{qualifier}' is not exact, approx, at_least or at_most")


def _survey_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims on an official survey indicator, with `year` (the period's year: the survey edition)."""
    needed = {"figure_id", "indicator", "country", "period", "value", "kind", "qualifier"}
    missing = needed - set(claims.columns)
    if missing:
        raise OfficialDataError(f"claims lack the columns {', '.join(sorted(missing))}")
    selected = claims[claims["indicator"].isin(SURVEY_INDICATORS)].copy()
    if "source_id" not in selected:
        selected["source_id"] = None
    selected["period"] = selected["period"].astype(str)
    selected["year"] = selected["period"].str[:4]
    return selected


def claims_vs_official(claims: pd.DataFrame, official: pd.DataFrame) -> pd.DataFrame:
    """Every observed or derived claim with an official value for its indicator, country and survey year, and a verdict.

    The verdict is `agrees` (equal, or within the qualifier: at_least means official >= claim, at_most
    official <= claim, approx within APPROX_RELATIVE_TOLERANCE; no qualifier means exact) or `differs`;
    difference = official - claim. Targets are left out (claims_not_checked lists them), and so are claims
    on indicators outside the survey, such as counts.
    """
    selected = _survey_claims(claims)
    selected = selected[selected["kind"].isin(CHECKED_KINDS)]
    matched = selected.merge(
        official.rename(columns={"period": "official_period", "value": "official_value"})[
            ["indicator", "country", "official_period", "official_value", "dataset"]],
        left_on=["indicator", "country", "year"], right_on=["indicator", "country", "official_period"])
    rows = []
    for row in matched.to_dict("records"):
        claim = pd.to_numeric(row["value"], errors="coerce")
        if pd.isna(claim):
            raise OfficialDataError(f"claim {row['figure_id']}: value '{row['value']}' is not a number")
        official_value = float(row["official_value"])
        rows.append({
            **{column: row[column] for column in ("figure_id", "source_id", "kind", "indicator", "country", "period",
                                                  "qualifier", "official_period", "dataset")},
            "claim_value": whole_or_float(claim), "official_value": whole_or_float(official_value),
            "difference": whole_or_float(round(official_value - float(claim), 10)),
            "verdict": "agrees" if agrees(float(claim), official_value, row["qualifier"], row["figure_id"])
            else "differs",
        })
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS, dtype=object)
    return table.sort_values(["indicator", "country", "period", "figure_id", "kind", "dataset"], kind="stable",
                             ignore_index=True)


def claims_not_checked(claims: pd.DataFrame, official: pd.DataFrame) -> pd.DataFrame:
    """Claims on an official survey indicator that claims_vs_official cannot check, each with its reason.

    A target is a goal, not an observation; an edition missing from the raw files (see gaps) cannot be
    checked ("edition 2008 not in the raw official files"); nor can a country or indicator the edition lacks.
    """
    selected = _survey_claims(claims)
    available = set(zip(official["indicator"], official["country"], official["period"].astype(str)))
    editions = {str(year) for year in survey_editions(official)}
    rows = []
    for row in selected.to_dict("records"):
        if row["kind"] == "target":
            reason = N_("a target is a goal, not an observation")
        elif row["kind"] not in CHECKED_KINDS:
            reason = N_("kind '{kind}' is neither observed nor derived")
        elif (row["indicator"], row["country"], row["year"]) in available:
            continue
        elif row["year"] not in editions:
            reason = N_("edition {year} not in the raw official files")
        else:
            reason = N_("no official {indicator} for {country} in the {year} edition")
        values = {"kind": row["kind"], "year": row["year"], "indicator": row["indicator"], "country": row["country"]}
        rows.append({**{name: row[name] for name in NOT_CHECKED_COLUMNS if name not in REASON_COLUMNS},
                     **{column("reason", code): language(code)._(reason, **values) for code in LANGUAGES}})
    table = pd.DataFrame(rows, columns=NOT_CHECKED_COLUMNS, dtype=object)
    return table.sort_values(["indicator", "country", "period", "figure_id", "kind"], kind="stable",
                             ignore_index=True)


def claims_compared(claims: pd.DataFrame, official: pd.DataFrame) -> pd.DataFrame:
    """Every claim on a survey indicator: those with an official value and their verdict (`agrees`, `differs`),
    then those that cannot be checked (`not_checked`, with the reason), in one table."""
    compared = claims_vs_official(claims, official).assign(**dict.fromkeys(REASON_COLUMNS, ""))
    unchecked = claims_not_checked(claims, official).rename(columns={"value": "claim_value"})
    unchecked = unchecked.assign(verdict="not_checked", claim_value=unchecked["claim_value"].map(whole_or_float))
    table = pd.concat([compared, unchecked.reindex(columns=compared.columns)], ignore_index=True)
    return table.sort_values(["indicator", "country", "period", "figure_id", "kind"], kind="stable",
                             ignore_index=True)


def population_reference(official: pd.DataFrame, official_dir: Path = paths.OFFICIAL_RAW) -> pd.DataFrame:
    """The population series as the consistency checks take it: country, period, value, and its producer."""
    people = official[official["indicator"] == "population"].copy()
    producers = {read_metadata(path)["dataset"]: read_metadata(path)["producer"] for path in metadata_files(official_dir)}
    people["producer"] = people["dataset"].map(producers)
    return people.reset_index(drop=True)


def origins(official_dir: Path = paths.OFFICIAL_RAW) -> list[dict]:
    """Each raw official file's origin, as the data package cites it: title, producer, page, copy, sha256, access."""
    cited = []
    for meta_path in metadata_files(official_dir):
        meta = read_metadata(meta_path)
        copy = meta["copy"]
        cited.append({"title": meta["title"], "path": f"data/raw/official/{meta['file']}", "producer": meta["producer"],
                      "url": meta["url_main"], "copy": f"{copy['repository']}@{copy['commit']}:{copy['path']}",
                      "sha256": meta["sha256"], "accessed": meta["date_accessed"]})
    return cited
