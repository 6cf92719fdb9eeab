"""Candidate rows for an article: every number of its text, proposed as a figure or to leave out.

`python -m helpers.propose.candidates ARTICLE.txt` (`make propose SOURCE=ARTICLE.txt`) writes
build/proposed/<file stem>.csv, one row per value phrase of the text ("more than 2,800", "86th
position among 193 countries", "Twenty-three percent", "all"), per rank change ("up two places
from 2018") and per number that is not a figure (a date, a document number, a meeting ordinal),
with the figure's value in base units, unit, qualifier, kind, period, a suggested indicator and a
short verbatim quote. The rows use the project's own parser (helpers.data.parse), the audit's
reading of what a number is (helpers.data.audit) and the raw reader's notation, so that once a
person has reviewed them `make accept` appends them to the raw tables through the raw reader.

`action` says what a row is:

- `figure`: a claim, for data/raw/figures.csv;
- `derived`: a rank change, which the figure it changes carries in `change_raw`;
- `period`: a date that is the period of a figure whose quote holds it;
- `leave_out`: a number that is not a claim, for data/raw/out_of_scope.csv with `context` and `reason`.

How the period is read, the rules the raw data follows too (helpers.propose.rules,
docs/ADDING_AN_ARTICLE.md):

1. a date of the figure's own sentence, the nearest one in its clause first (a year it is compared
   with, "compared to 2021", "from the rate in 2020", or the year a report was published, never);
2. else the latest date earlier in its paragraph; else, for a target, the horizon of a plan the text
   described before ("Programme by 2025"), for an observation the as-of date ("As of March 8, 2021")
   of the paragraph just before: marked inferred in `period_inferred`, quoting the phrase;
3. else none: a target has no year, and an observation takes its article's publication date, for
   which the reviewer gives the text's reason (the `reason` column says so).

A stated year range ("in the period of 2022 - 2024") is not a date: a figure in it is dated at the
range's end (its start for the value a share rose "from"), marked inferred.
"""
import argparse
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pycountry

from helpers import paths
from helpers.data import audit, raw
from helpers.data.clean import CONVERSIONS, CleanError, clean_figures, whole_or_float
from helpers.data.parse import ParseError, find_changes, parse_change, parse_period, parse_value, rank_before
from helpers.files import write_csv_atomic
from helpers.i18n import N_, TRANSLATED, column, language
from helpers.propose import run_command

DEFAULT_COUNTRY = "VNM"
# How much the words around a value must point to an indicator before it is suggested.
MIN_SCORE = 0.1
PROPOSED_COLUMNS = [
    "source_id", "figure_id", "action", "token", "line", "value_raw", "value", "unit", "qualifier", "kind", "period",
    "period_raw", "period_inferred", *(column("period_inferred", code) for code in TRANSLATED), "change_raw",
    "country", "indicator", "quote", "note", *(column("note", code) for code in TRANSLATED), "relates_to",
    "also_in", "context", "reason",
]
ACTIONS = ("figure", "derived", "period", "leave_out")
MAX_QUOTE_WORDS = 20

# ---------------------------------------------------------------- the text's shape

_ABBREVIATIONS = {"no", "mr", "mrs", "ms", "dr", "st", "vs", "e.g", "i.e", "etc", "prof", "gen", "jan", "feb", "aug",
                  "sept", "oct", "nov", "dec"}
_SENTENCE_END = re.compile(r"[.!?…][”\"')]*\s+(?=[“\"(A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: a line break ends one after a blank line or a line that ends a sentence;
    a line that stops mid-sentence runs on into the next (a text wrapped at a fixed width)."""
    found, start, offset = [], 0, 0
    lines = text.split("\n")
    for number, line in enumerate(lines):
        end = offset + len(line)
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if not line.strip() or not following.strip() or re.search(r"[.!?:…”\"')|]\s*$", line):
            if text[start:end].strip():
                found.append((start, end))
            start = end + 1
        offset = end + 1
    return found


def sentences(text: str) -> list[Sentence]:
    """The sentences of a text, each with its paragraph's number."""
    found = []
    for number, (first, last) in enumerate(paragraphs(text)):
        body, start = text[first:last], 0
        for end in _SENTENCE_END.finditer(body):
            word = re.search(r"([\w.]+)[.!?…]$", body[start:end.start() + 1])
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
            found.append(Sentence(first + start, first + end.start() + 1, number))
            start = end.end()
        if body[start:].strip():
            found.append(Sentence(first + start, first + len(body.rstrip()), number))
    return found


# ---------------------------------------------------------------- value phrases

_CARDINAL = ("zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
             "|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety")
_ORDINAL = ("first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
            "|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth")
_NUMBER = (rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?(?:st|nd|rd|th)?(?![\w])"
           rf"|\b(?:(?:{_CARDINAL})(?:-(?:{_CARDINAL}))?|{_ORDINAL})\b")
_CURRENCY = r"(?:VND|USD|US\$|\$)"
_AMOUNT = (rf"(?:{_CURRENCY}\s*)?(?:{_NUMBER})(?:\s*%|\s*per\s*cent\b|\s+percent\b|\s+times\b"
           rf"|(?:\s+(?:thousand|million|billion|trillion)\b)?(?:\s+(?:VND|USD)\b)?)")
_QUALIFIER = (r"(?:nearly|about|around|approximately|almost|some|more\s+than|over|at\s+least|above|less\s+than"
              r"|under|below|up\s+to|at\s+most)\s+")
_VALUE_PHRASE = re.compile(
    rf"(?:\b{_QUALIFIER})?(?:\btop\s+)?(?P<amount>{_AMOUNT})"
    rf"(?P<range>(?:\s*[-–—]\s*|\s+to\s+)(?:{_AMOUNT}))?"
    rf"(?P<whole>\s+(?:(?:position|place)\s+)?(?:out\s+of|among)\s+\d{{1,3}}(?:,\d{{3}})*(?:\s+[a-z]+)?"
    rf"|\s*/\s*\d{{1,3}}(?:,\d{{3}})*(?![\d/]))?"
    rf"(?P<alternative>\s*\((?:{_AMOUNT})\))?",
    re.IGNORECASE,
)
# "all administrative procedures", "every household": 100%, where the sentence states a claim with a date or a goal.
_ALL = re.compile(r"\b(?:(?:all|every)\b(?=\s+[a-z])|fastest\b|highest\b|launched\b(?=\s+(?:in|by|within)\s))",
                  re.IGNORECASE)
_NOT_A_WHOLE = re.compile(r"\b(?:of|at|for|from|in|on)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Value:
    start: int
    end: int
    text: str
    parsed: object


def _parsed(phrase: str):
    try:
        return parse_value(phrase)
    except ParseError:
        return None


def value_phrases(text: str, dates: list[tuple[int, int, str]]) -> list[Value]:
    """Every value the parser reads in the text outside its dates, the longest phrase the parser reads."""
    blanked = list(text)
    for start, end, _ in dates:
        blanked[start:end] = "#" * (end - start)
    blanked = "".join(blanked)
    found = []
    position = 0
    while (match := _VALUE_PHRASE.search(blanked, position)) is not None:
        start, end = match.span()
        position = end
        ends = {end, match.end("range") if match["range"] else 0, match.end("amount")}
        # "from 3% to 13.5%" is a change between two values, not a range
        if match["range"] and re.search(r"\bfrom\s+$", text[max(0, start - 10):start], re.IGNORECASE) \
                and re.match(r"\s+to\s", match["range"]):
            ends = {match.end("amount")}
            position = match.end("amount")
        for candidate_end in sorted(ends, reverse=True):
            if candidate_end <= start:
                continue
            phrase = text[start:candidate_end]
            parsed = _parsed(phrase)
            if parsed is None and match.start("amount") > start:  # a qualifier the parser refuses with this form
                parsed, start = _parsed(text[match.start("amount"):candidate_end]), match.start("amount")
                phrase = text[start:candidate_end]
            if parsed is not None:
                found.append(Value(start, candidate_end, phrase, parsed))
                break
    return found


def whole_phrases(text: str, sentence_of) -> list[Value]:
    """'all'/'every' before a noun, where its sentence is dated or states a goal."""
    found = []
    for match in _ALL.finditer(text):
        if _NOT_A_WHOLE.search(text[max(0, match.start() - 6):match.start()]):
            continue
        sentence = sentence_of(match.start())
        if sentence is None:
            continue
        body = text[sentence.start:sentence.end]
        if _TARGET_CUE.search(body) or any(True for _ in date_phrases(body)):
            found.append(Value(match.start(), match.end(), match.group(), parse_value(match.group())))
    return found


# ---------------------------------------------------------------- dates and periods

_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
          r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?")
_YEAR = r"(?:19[5-9]\d|20\d\d)(?![\d,.]\d)"
_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = (rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}|\d{{1,2}}\s+{_MONTH},?\s+{_YEAR}|{_MONTH},?\s+{_YEAR}"
         rf"|\d{{1,2}}/\d{{1,2}}/{_YEAR}|{_YEAR}(?:\s*[-–—]\s*{_YEAR}|\s+to\s+{_YEAR})?)")
_DATE_PHRASE = re.compile(
    rf"(?<![\w/-])(?:(?:as\s+of|as\s+at|by|in|for|until|since|within|(?:at\s+)?(?:the\s+)?end\s+of)\s+)?"
    rf"(?:the\s+period\s+(?:of\s+)?)?{_DATE}(?:\s+period)?(?![\w/-])"
    rf"|\b(?:in|by|until|within)\s+(?-i:{_MONTH_NAMES})\b(?!\.?\s*\d|,?\s+\d{{4}})"
    r"|\b(?:currently|to\s+date|so\s+far|at\s+present|now|in\s+the\s+year|this\s+year|next\s+year|last\s+year"
    r"|by\s+the\s+end\s+of\s+this\s+decade)\b",
    re.IGNORECASE,
)
# A year a value is compared with is not the value's period.
_REFERENCE_BEFORE = re.compile(r"(?:(?:compared\s+(?:to|with)|from|than|from\s+the\s+\w+)\s+|\bpublished\b[^.,;]*)$",
                               re.IGNORECASE)
_YEAR_RANGE = re.compile(rf"(?P<start>{_YEAR})(?:\s*[-–—]\s*|\s+to\s+)(?P<end>{_YEAR})")

CARRIED = N_('date of "{phrase}", earlier in the paragraph; the sentence gives none')
CARRIED_AS_OF = N_('as-of date of "{phrase}" in the paragraph before; the sentence gives none')
CARRIED_HORIZON = N_('horizon "{phrase}" of the plan the text describes before; the sentence gives no year')
_AS_OF = re.compile(r"^(?:as\s+of|as\s+at)\s", re.IGNORECASE)


def carried_date(earlier: list[tuple[int, bool, bool, "Dated"]], paragraph: int, kind: str,
                 published: str | None) -> "Dated | None":
    """The date a figure without a date of its own takes from the text before it (rule 2 above). `earlier`
    holds each date read so far: its paragraph, whether it scopes the sentences after it (it comes before
    its sentence's first figure, or its sentence has none), whether its sentence states a goal (a goal's
    deadline never dates an observation), and the date."""
    def after_publication(date: Dated) -> bool:
        return bool(published) and bool(date.period) and date.period[:4] > published[:4]

    def carried(date: Dated, why: str) -> Dated:
        # the phrase stays where it is: the quote need not hold it
        return replace(date, period_raw="", why=date.why or why, start=-1, end=-1, origin=(date.start, date.end))

    for where, _, goal, date in reversed(earlier):
        if where == paragraph and not (kind == "observed" and (goal or after_publication(date))):
            return carried(date, CARRIED)
    for where, scopes, goal, date in reversed(earlier):
        if where >= paragraph or not scopes or date.why or (kind == "observed" and goal):
            continue
        if kind == "target" and re.match(r"(?:by|for|within|until)\s", date.phrase, re.IGNORECASE) \
                and not (published and date.period[:4] < published[:4]):
            return carried(date, CARRIED_HORIZON)
        if kind == "observed" and where == paragraph - 1 and _AS_OF.match(date.phrase) \
                and not after_publication(date):
            return carried(date, CARRIED_AS_OF)
    return None

# What a reviewer of an undated observation must add before `make accept` takes it (helpers.propose.rules).
UNDATED_REVIEW = ("the text gives no date: write the date it means, or its phrase for the publication date in "
                  "period_inferred ('2024-07-19: \"still has\": ...')")
NEXT_MONTH = N_('"{phrase}": the first such month after the article\'s date (the text gives no year)')
RANGE_START = N_('start of the period "{phrase}" the sentence names, the value the text says it rose from')
RANGE_END = N_('end of the period "{phrase}" the sentence names; the text gives the figure no year of its own')


def date_phrases(text: str, offset: int = 0):
    """(start, end, phrase) of each date or period phrase in the text."""
    for match in _DATE_PHRASE.finditer(text):
        yield offset + match.start(), offset + match.end(), match.group()


@dataclass(frozen=True)
class Dated:
    period: str
    period_raw: str = ""
    why: str = ""  # a message of the catalogue: the reason of an inferred period
    phrase: str = ""
    start: int = -1
    end: int = -1
    origin: tuple[int, int] | None = None  # where a date taken from an earlier sentence stands


def dated(phrase: str, start: int, end: int, published: str | None) -> Dated | None:
    """The period a phrase states, as the raw data writes it; None if the parser cannot read it."""
    if (years := _YEAR_RANGE.search(phrase)) is not None:
        return Dated(years["end"], "", RANGE_END, phrase, start, end)
    if (month := re.search(_MONTH_NAMES, phrase)) is not None and not re.search(r"\d", phrase):
        if not published or len(published) < 7:
            return Dated("", "", "", phrase, start, end)
        number = _MONTH_NAMES.split("|").index(month.group()) + 1
        year = int(published[:4]) + (number <= int(published[5:7]))
        return Dated(f"{year}-{number:02d}", "", NEXT_MONTH, phrase, start, end)
    if published is None and not re.search(r"\d{4}", phrase):
        return Dated("", phrase, "", phrase, start, end)
    try:
        period = parse_period(phrase, published or "2000")
    except ParseError:
        return None
    return Dated(period.iso, phrase, "", phrase, start, end)


# ---------------------------------------------------------------- kinds and indicators

_TARGET_CUE = re.compile(
    r"\b(?:targets?|targeting|aims?|aiming|will|shall|should|must|expected\s+to|strive|wants?|requiring"
    r"|envisions?|is\s+to\s+be|are\s+to\s+be)\b",
    re.IGNORECASE,
)
_STOPWORDS = set("""a an the of in on at to for by and or with from as is are was were be been has have had its it
their this that these those than per each all every into over under more less not no number share count
country countries viet nam vietnam s un nd st rd th while well also said very""".split())


def _words(text: str) -> list[str]:
    words = []
    for word in re.findall(r"[a-z]+", text.lower()):
        for meaning in _SYNONYMS.get(word, (word,)):
            stem = _stem(meaning)
            if meaning not in _STOPWORDS and stem not in _STOPWORDS:
                words.append(stem)
    return words


def _stem(word: str) -> str:
    """'signatures' and 'signature', 'localities' and 'locality', 'processes' and 'process' alike."""
    if len(word) <= 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# Words the articles write for what the indicators' titles call otherwise.
_SYNONYMS = {
    "e": ("electronic",), "id": ("identification",), "eid": ("electronic", "identification"),
    "vneid": ("electronic", "identification"), "asian": ("asia",), "asean": ("southeast", "asia"),
    "egdi": ("government", "development", "index"), "osi": ("online", "service", "index"),
    "ranked": ("rank",), "ranking": ("rank",), "ranks": ("rank",), "places": ("rank",), "place": ("rank",),
    "position": ("rank",), "positions": ("rank",), "active": ("activated",),
    "economic": ("economy",), "local": ("locality",),
}
# How much a word counts for each comma, semicolon or colon between it and the value (and, after the value,
# an opening bracket: an aside).
CLAUSE_WEIGHT = 0.3
CLAUSE_MARK = re.compile(r"[,;:]")
ASIDE_MARK = re.compile(r"[,;:(]")
# ... and for each other value between them ("from 3% to 13.5%" shares its words).
VALUE_WEIGHT = 0.5


@dataclass
class Vocabulary:
    """The indicators of indicators.csv as words, to suggest one for a value by the words around it.

    An indicator's id and title count fully, its description and the words next to its claims' values half;
    a word common to many indicators counts less (1 / (1 + log of how many have it))."""
    units: dict[str, str]
    words: dict[str, dict[str, float]]
    weight: dict[str, float]
    denominators: dict[str, str]

    @classmethod
    def of(cls, indicators: pd.DataFrame, figures: pd.DataFrame | None = None) -> "Vocabulary":
        """From the indicators' ids, titles and descriptions, and the words next to each value of `figures`
        (the claims already made, in their quotes)."""
        claims = indicators[indicators["family"] != "official"]
        words = {}
        for row in claims.itertuples():
            named = set(_words(f"{row.indicator.replace('_', ' ')} {row.title}"))
            words[row.indicator] = {**{word: 0.5 for word in _words(row.description)}, **dict.fromkeys(named, 1.0)}
        for figure in (figures if figures is not None else pd.DataFrame(columns=["indicator"])).itertuples():
            if figure.indicator not in words or figure.value_raw not in figure.quote:
                continue
            at = figure.quote.index(figure.value_raw)
            near = re.split(r"[,;:()]", figure.quote[:at])[-1] + " " + re.split(r"[,;:()]", figure.quote[at:])[0]
            for word in _words(near):
                words[figure.indicator].setdefault(word, 0.5)
        counts = Counter(word for vocabulary in words.values() for word in vocabulary)
        return cls(dict(zip(claims["indicator"], claims["unit"])), words,
                   {word: 1 / (1 + math.log(count)) for word, count in counts.items()},
                   dict(zip(claims["indicator"], claims["denominator"])))

    def suggest(self, context: dict[str, float], unit: str | None, denominator: int | None = None) -> str:
        """The indicator whose words the context holds most, among those of a unit the value can take;
        blank when none scores or two tie. `context` maps each word near the value to how near it is (0-1)."""
        scores = []
        for indicator, vocabulary in self.words.items():
            if unit not in _UNITS_OF.get(self.units[indicator], ()):
                continue
            # a bare number ("four enterprises") is a count; only "a/b" or "a out of b" may be a rank
            if unit is None and denominator is None and self.units[indicator] == "rank":
                continue
            # "76th out of 193" is a rank among all UN members, "5/11" among the Southeast Asian ones
            if denominator is not None and self.denominators[indicator] not in ("", str(denominator)):
                continue
            score = sum(self.weight[word] * strength * context[word]
                        for word, strength in vocabulary.items() if word in context)
            # on equal scores, the indicator whose own name the words cover most ("this index": dt_index)
            named = [word for word, strength in vocabulary.items() if strength == 1.0]
            coverage = sum(word in context for word in named) / max(1, len(named))
            scores.append((score, coverage, indicator))
        scores.sort(reverse=True)
        if not scores or scores[0][0] < MIN_SCORE or (len(scores) > 1 and scores[0][:2] == scores[1][:2]):
            return ""  # nothing points to an indicator, or two equally
        return scores[0][2]


def context_words(text: str, sentence: "Sentence", start: int, end: int, neighbours: list[tuple[int, int]]) -> dict[str, float]:
    """The words of a value's sentence, each with how near the value it stands (0-1): nearer words more, words
    of another clause (past a comma, semicolon or bracket) or past another value less."""
    nearness: dict[str, float] = {}
    for word in _words(text[sentence.start:sentence.end]):
        nearness.setdefault(word, 0.05)

    def stretch(begin: int, stop: int, backwards: bool) -> list[tuple[str, float]]:
        # an opening bracket after a value starts an aside; a value in brackets reads the words before them
        clause_mark = CLAUSE_MARK if backwards else ASIDE_MARK
        marks = sorted([(s, e) for s, e in neighbours if begin <= s < stop])
        pieces, cursor = [], begin
        for s, e in marks:  # split at the clause marks and at the other values
            pieces += [(part, "clause") for part in re.split(clause_mark, text[cursor:s])[:-1]]
            pieces.append((re.split(clause_mark, text[cursor:s])[-1], "value"))
            cursor = e
        parts = re.split(clause_mark, text[cursor:stop])
        pieces += [(part, "clause") for part in parts]
        words, weight = [], 1.0
        ordered = list(reversed(pieces)) if backwards else pieces
        for index, (part, boundary) in enumerate(ordered):
            found = _words(part)
            words += [(word, weight) for word in (reversed(found) if backwards else found)]
            # what ends this piece: in reading order, the mark after it; backwards, the mark before it
            mark = (ordered[index + 1][1] if index + 1 < len(ordered) else "clause") if backwards else boundary
            weight *= CLAUSE_WEIGHT if mark == "clause" else VALUE_WEIGHT
        return words

    # English names what it counts after the number ("80% of work records at the district level"): the
    # words after a value reach further than those before it
    for words, reach in ((stretch(sentence.start, start, True), 2), (stretch(end, sentence.end, False), 4)):
        for distance, (word, weight) in enumerate(words):
            nearness[word] = max(nearness[word], weight / (1 + distance / reach))
    return nearness


# The parsed units each indicator unit takes (None: a bare number).
_UNITS_OF = {**{unit: set(accepted) for unit, accepted in CONVERSIONS.items()},
             "count": {None}, "rank": {"rank", None}, "index": {"percent", None}}


# ---------------------------------------------------------------- what is not a figure

_LEAVE_OUT = (
    (re.compile(r"(?:(?-i:\bNo)\.?\s*|\b(?:Resolution|Decree|Decision|Directive|Circular|Law|Project|Programme)\s+"
                r"(?:No\.?\s*)?)$", re.IGNORECASE), None, "document number"),
    (None, re.compile(r"^/[A-Z]", re.IGNORECASE), "document number"),
    (None, re.compile(r"^(?:st|nd|rd|th)?\s+(?:meeting|session|conference|congress|plenum|plenary|round|edition"
                      r"|anniversary|term)\b", re.IGNORECASE), "meeting ordinal"),
    (None, re.compile(r"^\s+(?:time|half|quarter)\b", re.IGNORECASE), "'the first time', a half or a quarter: not a measure"),
    (re.compile(r"[A-Za-z][-_]$"), None, "part of a name"),
    (None, re.compile(r"^[-_][A-Za-z]"), "part of a name"),
    (None, re.compile(r"^\s+(?:period|revolution|era|industry)\b", re.IGNORECASE), "name of an era"),
    (None, re.compile(r"^/7\b"), "round-the-clock service phrase, not a measured quantity"),
    (re.compile(r"\blevels?\s+(?:\d+\s*(?:and|or|,)\s*)?$", re.IGNORECASE), None, "name of a service level, not a measure"),
    (re.compile(r"\blevel-$", re.IGNORECASE), None, "name of a service level, not a measure"),
    (re.compile(r"\bno\s+$", re.IGNORECASE), re.compile(r"^\s+(?:one|longer)\b", re.IGNORECASE), "'no one', not a number"),
    (None, re.compile(r"^-\s*(?:stop|step|fold|way|off)\b", re.IGNORECASE), "part of a word, not a number"),
    (None, re.compile(r"^\s+(?:years?|months?|weeks?|days?|decades?)\b", re.IGNORECASE), "span of time"),
)
_NOT_NUMBERS = {"once": "'once' as a conjunction, not a number", "one": "'one', not a count",
                "decade": "span of time", "decades": "span of time", "half": "a half: review",
                "quarter": "a quarter: review"}
# Lines after which a page lists other stories.
_OTHER_NEWS = re.compile(r"^\s*(?:more news|related news|read more|same tag|same category|see also|comment \(\d+\))\s*$",
                         re.IGNORECASE | re.MULTILINE)


def leave_out_reason(text: str, start: int, end: int) -> str:
    before, after = text[max(0, start - 30):start], text[end:end + 30]
    if text[start:end].lower() == "one" and re.match(r"\s+of\s+the\b", after, re.IGNORECASE):
        return "'one of the', not a count"
    for before_rule, after_rule, reason in _LEAVE_OUT:
        if (before_rule is None or before_rule.search(before)) and (after_rule is None or after_rule.search(after)):
            return reason
    return ""


# ---------------------------------------------------------------- the rows

@dataclass
class Candidate:
    start: int
    end: int
    value_raw: str
    parsed: object
    kind: str = ""
    dated: Dated | None = None
    change: tuple[int, int] | None = None
    country: str = DEFAULT_COUNTRY
    country_span: tuple[int, int] | None = None
    indicator: str = ""


def countries_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, alpha-3) of each country named in the text (by its common or short name)."""
    found = []
    for country in pycountry.countries:
        for name in {getattr(country, "common_name", None), country.name, getattr(country, "official_name", None)} - {None}:
            for match in re.finditer(rf"\b{re.escape(name)}\b", text):
                found.append((match.start(), match.end(), country.alpha_3))
    for match in re.finditer(r"\bVietnam\b", text):
        found.append((match.start(), match.end(), "VNM"))
    return sorted(found)


def _nearest(spans, start: int, end: int, text: str = ""):
    """The span nearest to [start, end), one in the same clause first, then preceding ones first on a tie."""
    def distance(span):
        between = text[span[1]:start] if span[1] <= start else text[end:span[0]]
        return (bool(re.search(r"[,;:()]", between)),
                span[0] - end if span[0] >= end else start - span[1] if span[1] <= start else 0,
                0 if span[1] <= start else 1)
    return min(spans, key=distance) if spans else None


def _quote(text: str, sentence: Sentence, spans: list[tuple[int, int]]) -> str:
    """The shortest run of whole clauses of the sentence that holds every span, widened while it stays short."""
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    body = text[sentence.start:sentence.end]
    if len(body.split()) <= MAX_QUOTE_WORDS:
        return body.strip()
    cuts = [sentence.start] + [sentence.start + m.end() for m in re.finditer(r"[,;:(](?!\d)\s*", body)] + [sentence.end]
    ends = [sentence.start + m.start() for m in re.finditer(r"\s*[,;:)](?!\d)", body)] + [sentence.end]
    left = max(c for c in cuts if c <= start)
    right = min(e for e in ends if e >= end)
    if len(text[left:right].split()) > MAX_QUOTE_WORDS:
        # a clause too long to quote whole: the words around the spans, within the clause, more of them after
        # (where English names what a number counts)
        words_before = [m.start() for m in re.finditer(r"\S+", text[left:start])]
        words_after = [m.end() for m in re.finditer(r"\S+", text[end:right])]
        room = max(0, MAX_QUOTE_WORDS - len(text[start:end].split()))
        keep_before = min(len(words_before), room // 2)
        keep_after = min(len(words_after), room - keep_before)
        keep_before = min(len(words_before), room - keep_after)
        left = left + words_before[len(words_before) - keep_before] if keep_before else start
        right = end + words_after[keep_after - 1] if keep_after else end
        return text[left:right].strip(" ,;:")
    while True:  # widen by a clause on each side while the quote stays within the limit
        wider = [(max([c for c in cuts if c < left] or [left]), right), (left, min([e for e in ends if e > right] or [right]))]
        grown = [(l, r) for l, r in wider if (l, r) != (left, right) and len(text[l:r].split()) <= MAX_QUOTE_WORDS]
        if not grown:
            break
        left, right = grown[0]
    return text[left:right].strip(" ,;:")


@dataclass(frozen=True)
class Article:
    text: str
    source_id: str
    published: str | None


def propose(article: Article, vocabulary: Vocabulary, known: pd.DataFrame | None = None,
            first_number: int = 1) -> pd.DataFrame:
    """The candidate rows of an article; `known` the clean rows of the other sources, to flag a figure they state."""
    text = article.text
    all_sentences = sentences(text)

    def sentence_of(offset: int) -> Sentence | None:
        return next((s for s in all_sentences if s.start <= offset < s.end), None)

    other_news = _OTHER_NEWS.search(text)
    other_news_from = other_news.start() if other_news else len(text)
    changes = find_changes(text)
    dates = [(s, e, p) for s, e, p in date_phrases(text) if not any(a <= s < b for a, b in changes)]
    periods = [d for d in dates if not _REFERENCE_BEFORE.search(text[max(0, d[0] - 80):d[0]])]
    values = value_phrases(text, dates)
    values += [v for v in whole_phrases(text, sentence_of) if not any(u.start <= v.start < u.end for u in values)]
    countries = countries_in(text)

    candidates: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for value in sorted(values, key=lambda v: v.start):
        if any(a <= value.start < b for a, b in taken):
            continue
        sentence = sentence_of(value.start)
        reason = leave_out_reason(text, value.start, value.end)
        if value.start >= other_news_from:
            reason = "unrelated news, after the list of other stories"
        in_date = any(s <= value.start and value.end <= e for s, e, _ in dates)
        in_change = any(s <= value.start < e for s, e in changes)  # "up two places": the rank's change
        if in_date or in_change or reason or sentence is None:
            continue  # a date, or a number to leave out: the token rows below
        taken.append((value.start, value.end))
        candidates.append(Candidate(value.start, value.end, value.text, value.parsed))

    paragraphs = {number: rank for rank, number in enumerate(sorted({s.paragraph for s in all_sentences}))}
    earlier: list[tuple[int, bool, bool, Dated]] = []  # every date read so far (see carried_date)
    for sentence in all_sentences:
        body = text[sentence.start:sentence.end]
        paragraph = paragraphs[sentence.paragraph]
        own = [c for c in candidates if sentence.start <= c.start < sentence.end]
        own_dates = [d for d in periods if sentence.start <= d[0] < sentence.end]
        first_figure = min((c.start for c in own), default=sentence.end)
        for candidate in own:
            candidate.kind = "target" if _TARGET_CUE.search(body) else "observed"
            nearest = _nearest([(s, e) for s, e, _ in own_dates], candidate.start, candidate.end, text)
            if nearest is not None:
                candidate.dated = dated(text[nearest[0]:nearest[1]], nearest[0], nearest[1], article.published)
                if candidate.dated and candidate.dated.why == RANGE_END and re.search(
                        r"\bfrom\s+$", text[max(0, candidate.start - 6):candidate.start], re.IGNORECASE):
                    years = _YEAR_RANGE.search(candidate.dated.phrase)
                    candidate.dated = replace(candidate.dated, period=years["start"], why=RANGE_START)
            else:
                candidate.dated = carried_date(earlier, paragraph, candidate.kind, article.published)
            change = _nearest([c for c in changes if sentence.start <= c[0] < sentence.end], candidate.start,
                              candidate.end)
            if change is not None and candidate.parsed.unit in ("rank", None) and not any(
                    other.change == change for other in candidates):
                candidate.change = change
            here = [(s, e, code) for s, e, code in countries if sentence.start <= s < candidate.start
                    and not any(o.start < s < candidate.start for o in own if o is not candidate)]
            if here:
                candidate.country, candidate.country_span = here[-1][2], here[-1][:2]
            context = context_words(text, sentence, candidate.start, candidate.end,
                                    [(o.start, o.end) for o in own if o is not candidate])
            candidate.indicator = vocabulary.suggest(context, candidate.parsed.unit, candidate.parsed.denominator)
        for start, end, phrase in own_dates:
            if (found := dated(phrase, start, end, article.published)) is not None:
                earlier.append((paragraph, start < first_figure, bool(_TARGET_CUE.search(body)), found))
    used_dates = [(f"{article.source_id}-{number:02d}", span)
                  for number, candidate in enumerate(candidates, start=first_number) if candidate.dated
                  for span in [(candidate.dated.start, candidate.dated.end), candidate.dated.origin]
                  if span and span[0] >= 0]
    rows = []
    covered: list[tuple[int, int]] = []
    for number, candidate in enumerate(candidates, start=first_number):
        rows.append(_figure_row(text, candidate, sentence_of(candidate.start), vocabulary, article,
                                f"{article.source_id}-{number:02d}", known))
        covered.append((candidate.start, candidate.end))
        if candidate.change:
            rows.append(_derived_row(text, candidate, rows[-1]))
            covered.append(candidate.change)
    quotes = [(row["figure_id"], raw_span(text, row["quote"]), row) for row in rows if row["action"] == "figure"]
    for token in audit.numeric_tokens(text):
        if any(a <= token.start() < b for a, b in covered):
            continue
        holders = [fid for fid, span, row in quotes if span and span[0] <= token.start() < span[1]
                   and token.group() in row["period_raw"] + row["change_raw"]]
        if holders:
            rows.append(_token_row(text, token, "period", f"period of {', '.join(holders)}"))
            continue
        in_period = [figure_id for figure_id, (start, end) in used_dates if start <= token.start() < end]
        in_date = any(s <= token.start() < e for s, e, _ in dates)
        reason = ("unrelated news, after the list of other stories" if token.start() >= other_news_from
                  else (f"period of {', '.join(in_period)}, outside its quote" if in_period else "")
                  or ("date" if in_date else "")
                  or leave_out_reason(text, token.start(), token.end())
                  or _NOT_NUMBERS.get(token.group().lower(), "")
                  or "not a claim: review")
        rows.append(_token_row(text, token, "leave_out", reason))
    frame = pd.DataFrame(rows, columns=PROPOSED_COLUMNS, dtype=object).fillna("").assign(source_id=article.source_id)
    return frame.sort_values(["line", "figure_id"], kind="stable", ignore_index=True)


def raw_span(text: str, quote: str) -> tuple[int, int] | None:
    where = audit.spans(text, quote)
    return where[0] if where else None


def _figure_row(text: str, candidate: Candidate, sentence: Sentence, vocabulary: Vocabulary, article: Article,
                figure_id: str, known: pd.DataFrame | None) -> dict:
    parsed = candidate.parsed
    unit = vocabulary.units.get(candidate.indicator) or parsed.unit or "count"
    value = parsed.value
    if candidate.indicator and parsed.unit is not None:
        value = round(parsed.value * CONVERSIONS.get(unit, {}).get(parsed.unit, 1), 10)
    period = candidate.dated
    review = ""
    if period is None and candidate.kind == "observed":
        period = Dated(article.published or "")  # the clean step dates an undated statement at its publication
        review = UNDATED_REVIEW
    spans = [(candidate.start, candidate.end)]
    if period and period.start >= 0:
        spans.append((period.start, period.end))
    if candidate.change:
        spans.append(candidate.change)
    if candidate.country_span:
        spans.append(candidate.country_span)
    # a quote is one line of the text (a raw field holds no line break): the part of the sentence on the value's line
    line_start = text.rfind("\n", 0, candidate.start) + 1
    line_end = text.find("\n", candidate.end)
    line_end = len(text) if line_end < 0 else line_end
    sentence = Sentence(max(sentence.start, line_start), min(sentence.end, line_end), sentence.paragraph)
    spans = [(s, e) for s, e in spans if sentence.start <= s and e <= sentence.end]
    quote = _quote(text, sentence, spans)
    if len(quote.split()) > raw.MAX_QUOTE_WORDS and period and period.start >= 0:
        quote = _quote(text, sentence, [s for s in spans if s != (period.start, period.end)])
    inferred = {}
    period_raw = period.period_raw if period else ""
    if period and period.why and period.period:
        inferred = {"period_inferred": f"{period.period}: {language('en')._(period.why, phrase=period.phrase)}",
                    **{column("period_inferred", code): language(code)._(period.why, phrase=period.phrase)
                       for code in TRANSLATED}}
        period_raw = ""
    row = {
        "figure_id": figure_id, "action": "figure", "token": text[candidate.start:candidate.end],
        "line": text.count("\n", 0, candidate.start) + 1, "value_raw": candidate.value_raw,
        "value": whole_or_float(value), "unit": unit, "qualifier": parsed.qualifier, "kind": candidate.kind,
        "period": period.period if period else "", "period_raw": period_raw, **inferred,
        "change_raw": text[candidate.change[0]:candidate.change[1]] if candidate.change else "",
        "country": candidate.country, "indicator": candidate.indicator, "quote": quote,
        "context": "", "reason": review,
    }
    row["also_in"] = _also_in(row, article.source_id, known)
    return row


def _derived_row(text: str, candidate: Candidate, figure: dict) -> dict:
    change_text = figure["change_raw"]
    change = parse_change(change_text)
    value = ""
    if change.reference_period is not None and float(figure["value"]).is_integer():
        try:
            value = rank_before(int(figure["value"]), change)
        except ValueError:
            value = ""
    tokens = audit.numeric_tokens(change_text)
    return {
        "figure_id": figure["figure_id"], "action": "derived", "token": tokens[0].group() if tokens else change_text,
        "line": figure["line"], "value_raw": figure["value_raw"], "value": value, "unit": "rank",
        "qualifier": figure["qualifier"], "kind": "derived", "period": change.reference_period or "",
        "change_raw": change_text, "country": figure["country"], "indicator": figure["indicator"],
        "quote": figure["quote"], "reason": f"the change of {figure['figure_id']}, which carries it in change_raw",
    }


def _token_row(text: str, token: re.Match, action: str, reason: str) -> dict:
    return {"figure_id": "", "action": action, "token": token.group(), "line": text.count("\n", 0, token.start()) + 1,
            "context": short_context(text, token.start(), token.end()), "reason": reason}


def short_context(text: str, start: int, end: int) -> str:
    """A few words of the text around a token, verbatim, on one line: what out_of_scope.csv cites."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = re.search(r"(?:\S+\s+){0,2}\S*$", text[line_start:start]).group()
    after = re.match(r"\S*(?:\s+\S+){0,2}", text[end:line_end]).group()
    return (before + text[start:end] + after).strip().strip(",.;:")


def _also_in(row: dict, source_id: str, known: pd.DataFrame | None) -> str:
    """The figures of other sources that state the same value for the same indicator and period."""
    if known is None or known.empty or row["value"] == "":
        return ""
    same = known[(known["source_id"] != source_id) & (known["value"].astype(float) == float(row["value"]))
                 & (known["unit"] == row["unit"])]
    # the same period, or the same indicator where both name one
    same = same[(same["period"].fillna("") == row["period"])
                | ((same["indicator"].fillna("") == row["indicator"]) & (row["indicator"] != ""))]
    if row["indicator"]:
        same = same[same["indicator"].fillna("").isin(["", row["indicator"]])]
    return ";".join(sorted(same["figure_id"].unique()))


# ---------------------------------------------------------------- the command

@dataclass(frozen=True)
class Project:
    """What the proposer knows of the project: its raw layer, cleaned."""
    sources: pd.DataFrame
    figures: pd.DataFrame
    indicators: pd.DataFrame
    clean: pd.DataFrame

    def vocabulary(self, source_id: str) -> Vocabulary:
        """What the indicators and the claims of every other source say."""
        return Vocabulary.of(self.indicators, self.figures[self.figures["source_id"] != source_id])


def load_project(raw_dir: Path = paths.DATA_RAW) -> Project:
    # A project's first article meets a figures table without rows: proposing only reads it, never publishes.
    layer = raw.load_raw_layer(raw_dir, allow_empty=True)
    try:
        clean = clean_figures(layer)
    except CleanError:
        clean = pd.DataFrame(columns=["source_id", "figure_id", "indicator", "value", "unit", "period"])
    return Project(layer.sources, layer.figures, layer.indicators, clean)


def article_of(path: Path, project: Project, published: str | None = None) -> tuple[Article, int]:
    """The article at `path`, known by its sha256 or file name in sources.csv or given a new source id;
    and the number its first new figure takes."""
    text = raw.decoded(Path(path))
    digest = raw.sha256_of(path)
    registered = project.sources[(project.sources["sha256"] == digest) | (project.sources["file"] == Path(path).name)]
    if len(registered):
        source = registered.iloc[0]
        source_id, published = source["source_id"], published or source["published"]
    else:
        numbers = [int(s[1:]) for s in project.sources["source_id"] if re.fullmatch(r"s\d+", s)]
        source_id = f"s{max(numbers, default=-1) + 1:03d}"
    taken = [int(f.rsplit("-", 1)[1]) for f in project.figures["figure_id"]
             if f.startswith(f"{source_id}-") and f.rsplit("-", 1)[1].isdigit()]
    return Article(text, source_id, published or None), max(taken, default=0) + 1


def proposed_path(source: Path) -> Path:
    return paths.BUILD / "proposed" / f"{Path(source).stem}.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Propose the figures of an article for review.")
    parser.add_argument("source", type=Path, help="the article, a UTF-8 text file")
    parser.add_argument("--published", help="its publication date, YYYY[-MM[-DD]], if sources.csv does not give it")
    parser.add_argument("--output", type=Path, help="where to write the candidates (default build/proposed/<stem>.csv)")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"error: {args.source}: no such file", file=sys.stderr)
        return 2
    if args.published and not raw.PERIOD_INFERRED.fullmatch(f"{args.published}: date"):
        print(f"error: --published {args.published!r}: expected YYYY, YYYY-MM or YYYY-MM-DD", file=sys.stderr)
        return 2
    project = load_project()
    article, first = article_of(args.source, project, args.published)
    if article.source_id not in set(project.sources["source_id"]):
        print(f"{args.source.name} is not in {paths.SOURCES} yet: add its row as {article.source_id} "
              f"(sha256 {raw.sha256_of(args.source)}) before make accept")
    known = project.clean[project.clean["source_id"] != article.source_id]
    rows = propose(article, project.vocabulary(article.source_id), known, first)
    target = args.output or proposed_path(args.source)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_csv_atomic(rows, target)
    counts = rows["action"].value_counts()
    shown = target.relative_to(paths.ROOT) if target.is_relative_to(paths.ROOT) else target
    print(f"{shown}: " + ", ".join(f"{counts.get(a, 0)} {a}" for a in ACTIONS)
          + f" ({article.source_id}, published {article.published or 'unknown: pass --published'})")
    print(f"review every row (indicator, kind, period, quote), then: make accept PROPOSED={shown}")
    return 0


if __name__ == "__main__":
    run_command(main)
