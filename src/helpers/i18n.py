"""The languages the project writes in, and its translations, kept as gettext catalogues.

English is the source language: every message is written in English in the code, the template and
the notebooks, and that text is its own msgid. A translation lives in
src/helpers/locale/<lang>/LC_MESSAGES/messages.po, where a translator reviews it without reading
code (`make translations` extracts the messages with Babel and merges them into it); it is compiled
to build/locale when first needed and never committed. A message without a translation would fall
back to English: the tests fail on any.

Messages are `str.format` templates with named fields ("{count} claims"), so that a translation can
put the values where its grammar wants them.
"""
import functools
import gettext
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pycountry
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from helpers import paths
from helpers.files import write_files_atomic
from helpers.paths import SOURCE_LANGUAGE

LANGUAGES = (SOURCE_LANGUAGE, "vi")
TRANSLATED = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)  # the languages translated into


# A notebook's prose is translated one block (a heading, a paragraph) at a time.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is used."""
    return message


@dataclass(frozen=True)
class Language:
    """A language's code (also its Babel locale) and its translations."""
    code: str
    translations: gettext.NullTranslations

    def _(self, message: str, **values) -> str:
        """The message in this language, its fields filled in."""
        text = self.translations.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, count: int, **values) -> str:
        """The singular or plural message for `count`, as this language counts; `{count}` is filled in too."""
        return self.translations.ngettext(singular, plural, count).format(count=count, **values)

    def column(self, name: str) -> str:
        return column(name, self.code)


def column(name: str, code: str) -> str:
    """The column of a table that holds text in a language: `title` in English, `title_vi` in Vietnamese."""
    return name if code == SOURCE_LANGUAGE else f"{name}_{code}"


@functools.cache
def language(code: str) -> Language:
    """The language of this code; English needs no catalogue."""
    if code == SOURCE_LANGUAGE:
        return Language(code, gettext.NullTranslations())
    with compiled(code).open("rb") as handle:
        return Language(code, gettext.GNUTranslations(handle))


def compiled(code: str):
    """The compiled catalogue (.mo) of a language, compiled from its .po when that is newer."""
    source, target = paths.catalogue(code), paths.compiled_catalogue(code)
    if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
        with source.open("rb") as handle:
            catalogue = read_po(handle, locale=code)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue)  # fuzzy translations are left out: they fall back to English
        write_files_atomic({target: buffer.getvalue()}, only_changed=True)
        target.touch()
    return target


# The words of the data's vocabularies (kind, qualifier, verdict, severity, unit), as a reader sees them.
VOCABULARY = {
    "observed": N_("observed"), "derived": N_("derived"), "target": N_("target"), "official": N_("official"),
    "exact": N_("exact"), "approx": N_("approx"), "at_least": N_("at least"), "at_most": N_("at most"),
    "agrees": N_("agrees"), "differs": N_("differs"), "not_checked": N_("not checked"),
    "not_comparable": N_("not comparable"), "no_public_series": N_("no public series"),
    "target_met": N_("target met"), "target_not_met": N_("target not met"),
    "target_not_yet_known": N_("target: not yet known"), "industry_estimate": N_("industry estimate"),
    "warning": N_("warning"), "error": N_("error"),
    "unknown": N_("outlet not named"),  # the outlet of a document that does not name it
    "rank": N_("rank"), "count": N_("count"), "percent": N_("percent"), "index": N_("index"), "times": N_("times"),
}


# The data's columns under the headings a reader sees, in words, in the report's tables and the notebooks' (ids stay
# as they are in the data); their cells are written the language's way: periods as periods, numbers as numbers,
# vocabularies as words.
HEADINGS = {
    "indicator": N_("Indicator"), "title": N_("Title"), "period": N_("Period"), "value": N_("Value"),
    "unit": N_("Unit"), "kind": N_("Kind"), "qualifier": N_("Precision"), "target": N_("Target"),
    "target_year": N_("Target year"), "latest": N_("Latest value"), "latest_period": N_("Period of the latest value"),
    "gap": N_("Gap (percentage points)"), "value_num": N_("Numerator"), "value_den": N_("Denominator"),
    "ratio_percent": N_("Ratio (%)"), "population": N_("Population"), "share_percent": N_("Share of the population (%)"),
    "source_id": N_("Source"), "figure_id": N_("Figure"), "figure_id_num": N_("Numerator's figure"),
    "figure_id_den": N_("Denominator's figure"), "target_figure": N_("Target's figure"),
    "latest_figure": N_("Latest value's figure"), "dataset": N_("Dataset"), "note": N_("Note"),
    "period_basis": N_("How the period is known"), "check": N_("Check"), "severity": N_("Severity"),
    "figure_ids": N_("Figures"), "message": N_("Finding"), "claim_value": N_("Value claimed"),
    "official_value": N_("Official value"), "verdict": N_("Verdict"), "reason": N_("Reason"),
    "value_text": N_("Value stated"), "country": N_("Country"), "denominator": N_("Out of"),
    "value_low": N_("Low end"), "value_high": N_("High end"), "alt_value": N_("Other value"),
    "alt_unit": N_("Unit of the other value"), "published": N_("Published"), "relates_to": N_("Relates to"),
    "value_raw": N_("Value as written"), "quote": N_("Quote"), "source_kind": N_("Kind of source"),
}


def heading(name: str, tr: Language) -> str:
    """A column of the data under its heading in the language; a column without one keeps its name."""
    return tr._(HEADINGS[name]) if name in HEADINGS else name


@functools.cache
def country_name(code: str, lang: str) -> str:
    """A country's name in a language, as the Unicode CLDR writes it (Babel's territory names): VNM is Vietnam in
    English, Việt Nam in Vietnamese. The data keep the ISO 3166 alpha-3 code; a code CLDR does not know stays as it is."""
    country = pycountry.countries.get(alpha_3=code)
    return Locale.parse(lang).territories.get(country.alpha_2, code) if country else code


def word(code: str, tr: Language) -> str:
    """A vocabulary code ('observed', 'at_least') as a word of the language; any other text as it is."""
    return tr._(VOCABULARY[code]) if code in VOCABULARY else code


def prose_blocks(markdown: str) -> list[str]:
    """The blocks of a markdown text, each a message of the catalogue: headings and paragraphs."""
    return [block.strip() for block in PARAGRAPH_BREAK.split(markdown) if block.strip()]


def extract_notebook_prose(fileobj, keywords, comment_tags, options):
    """Babel's extractor for notebooks (babel.cfg): each block of each markdown cell, which the report translates."""
    if Path(fileobj.name).name == paths.CLEAN_NOTEBOOK:
        return  # the clean step's notebook is not a section of the report
    notebook = json.load(fileobj)
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for block in prose_blocks(source):
                yield number, "", block, []
