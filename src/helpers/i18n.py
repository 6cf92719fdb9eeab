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
    "target_not_yet_known": N_("target not yet known"), "industry_estimate": N_("industry estimate"),
    "warning": N_("warning"), "error": N_("error"), "unknown": N_("unknown"),  # an outlet the text does not name
    "rank": N_("rank"), "count": N_("count"), "percent": N_("percent"), "index": N_("index"), "times": N_("times"),
}


# The data's columns under the headings a reader sees, in the report's tables and the notebooks' (ids stay as they
# are); their cells are written the language's way: periods as periods, numbers as numbers, vocabularies as words.
HEADINGS = {
    "indicator": N_("indicator"), "title": N_("title"), "period": N_("period"), "value": N_("value"),
    "unit": N_("unit"), "kind": N_("kind"), "qualifier": N_("qualifier"), "target": N_("target"),
    "target_year": N_("target_year"), "latest": N_("latest"), "latest_period": N_("latest_period"), "gap": N_("gap"),
    "value_num": N_("value_num"), "value_den": N_("value_den"), "ratio_percent": N_("ratio_percent"),
    "population": N_("population"), "share_percent": N_("share_percent"), "source_id": N_("source_id"),
    "figure_id": N_("figure_id"), "figure_id_num": N_("figure_id_num"), "figure_id_den": N_("figure_id_den"),
    "target_figure": N_("target_figure"), "latest_figure": N_("latest_figure"), "dataset": N_("dataset"),
    "note": N_("note"), "period_basis": N_("period_basis"), "check": N_("check"), "severity": N_("severity"),
    "figure_ids": N_("figure_ids"), "message": N_("message"), "claim_value": N_("claim_value"),
    "official_value": N_("official_value"), "verdict": N_("verdict"), "reason": N_("reason"),
    "value_text": N_("value_text"), "country": N_("country"), "denominator": N_("denominator"),
    "value_low": N_("value_low"), "value_high": N_("value_high"), "alt_value": N_("alt_value"),
    "alt_unit": N_("alt_unit"), "published": N_("published"), "relates_to": N_("relates_to"),
    "value_raw": N_("value_raw"), "quote": N_("quote"), "source_kind": N_("source_kind"),
}


def heading(name: str, tr: Language) -> str:
    """A column of the data under its heading in the language; a column without one keeps its name."""
    return tr._(HEADINGS[name]) if name in HEADINGS else name


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
