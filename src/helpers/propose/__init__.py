"""A new article's figures proposed for review (candidates), accepted into the raw tables (accept), and the
proposer measured against the hand-made tables (measure)."""
import sys
from typing import Callable

from helpers.data.raw import RawDataError
from helpers.files import exit_on_sigterm, exit_with


def run_command(main: Callable[[], int]) -> None:
    """A proposer command from the command line: its exit code, or one line for a raw layer it cannot read."""
    exit_on_sigterm()
    try:
        exit_with(main())
    except RawDataError as error:
        sys.exit(f"error: {error}")
