"""Checks of notebook parameters, run before any work so a bad value stops with a clear message."""
import datetime as dt
from pathlib import Path

from helpers import paths


class ParameterError(ValueError):
    """A parameter a user set that the notebook cannot use; the message says which and what is allowed."""


def iso_date(name: str, value, allow_none: bool = True) -> dt.date | None:
    if value is None and allow_none:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        allowed = "a date YYYY-MM-DD" + (" or None" if allow_none else "")
        raise ParameterError(f"parameter {name}={value!r} is not a valid date; allowed: {allowed}") from None


def boolean(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(f"parameter {name}={value!r}; allowed: True or False")
    return value


def year(name: str, value, low: int = 1990, high: int = 2100) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(f"parameter {name}={value!r}; allowed: a whole year from {low} to {high}")
    return value


def year_range(start_year, end_year) -> tuple[int, int]:
    start, end = year("start_year", start_year), year("end_year", end_year)
    if start > end:
        raise ParameterError(f"parameter start_year={start} is after end_year={end}; allowed: start_year <= end_year")
    return start, end


def choice(name: str, value, allowed, described: str = "") -> str:
    """`value` if it is one of `allowed`; the error lists them, or says `described` when there are too many to list."""
    allowed = sorted(allowed)
    if value not in allowed:
        raise ParameterError(f"parameter {name}={value!r}; allowed: {described or ', '.join(map(str, allowed))}")
    return value


def directory(name: str, value, must_exist: bool) -> Path:
    if not isinstance(value, (str, Path)) or not str(value):
        raise ParameterError(f"parameter {name}={value!r}; allowed: a folder path (relative to the project root or absolute)")
    folder = paths.resolve(value)
    if must_exist and not folder.is_dir():
        raise ParameterError(f"parameter {name}={value!r}: folder {folder} does not exist")
    return folder
