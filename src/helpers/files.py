"""Outputs written all or nothing, with no temporary left behind; the project's one CSV dialect."""
import contextlib
import json
import os
import re
import secrets
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:  # the functions only call a frame's methods; pandas stays out of light importers
    from collections.abc import Iterator

    import pandas as pd


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def runs_as_formula(cell) -> bool:
    """Text that a spreadsheet would run: a str starting with = + - @ tab or CR that is not a plain number.

    Numbers are data, also where a column holds them as text: -3.0 and "-3.0" are left as they are.
    """
    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell)


def spreadsheet_safe(cell):
    """The cell with a leading ' if a spreadsheet would run it (the OWASP rule), so it shows as text; else as it is."""
    return "'" + cell if runs_as_formula(cell) else cell


def exit_on_sigterm() -> None:
    """Make SIGTERM end this process as Ctrl-C does, by an exception, so that every `finally` runs and removes
    the temporaries it made (a default SIGTERM ends the process on the spot)."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def file_bytes(folder: Path, names) -> dict[str, bytes | None]:
    """The bytes of each named file of `folder`, None where there is none: what a run may replace."""
    return {name: (Path(folder) / name).read_bytes() if (Path(folder) / name).is_file() else None for name in names}


def os_error_text(error: OSError) -> str:
    """An operating-system error in a line: what failed, on which file ('No space left on device: .../x.csv')."""
    if error.strerror and error.filename:
        return f"{error.strerror}: {error.filename}"
    return str(error) or type(error).__name__


@contextlib.contextmanager
def stops_reported(folder: Path, names) -> "Iterator[None]":
    """End a command that writes the files `names` of `folder` in one line, without a traceback, where the operating
    system stops it (a read-only folder, a full disk) or the user does (Ctrl-C): what happened, and whether any of
    those files changed: the outputs are written all or nothing, so they are either as they were or replaced."""
    before = file_bytes(folder, names)

    def written() -> str:
        if file_bytes(folder, names) == before:
            return f"nothing was written ({folder} is as it was)"
        return f"files of {folder} had been replaced when it stopped; run it again so that all are of one run"

    try:
        yield
    except KeyboardInterrupt:
        print(f"interrupted: {written()}", file=sys.stderr)
        exit_with(128 + signal.SIGINT)
    except OSError as error:
        print(f"error: {os_error_text(error)}; {written()}", file=sys.stderr)
        exit_with(1)


def exit_with(code: int) -> NoReturn:
    """End a command with its exit code."""
    sys.exit(code)


def csv_text(frame: "pd.DataFrame") -> str:
    """The project's one CSV dialect: UTF-8, comma, '\\n' line ends, no index, no cell a spreadsheet would run.

    Only the columns holding such a cell are rewritten, so every other column keeps its type and its bytes.
    """
    # only text columns (object, string, categorical: dtype kind "O") can hold text; number columns are not read
    unsafe = [position for position, (_, cells) in enumerate(frame.items())
              if cells.dtype.kind == "O" and any(map(runs_as_formula, cells))]
    if unsafe:
        frame = frame.copy()
        for position in unsafe:
            frame.isetitem(position, frame.iloc[:, position].astype(object).map(spreadsheet_safe))
    return frame.to_csv(index=False, lineterminator="\n")


def json_text(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def read_json(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_bytes_named(path: Path, content: bytes) -> None:
    """Write a file; an error names it also where the file opened and the writing failed (a full disk)."""
    try:
        Path(path).write_bytes(content)
    except OSError as error:
        if error.strerror and error.filename is None:  # an error of the system, not one raised with a message
            error.filename = str(path)
        raise


def write_text_atomic(text: str, target: Path) -> None:
    write_files_atomic({Path(target): text})


def write_files_atomic(files: dict[Path, str | bytes], only_changed: bool = False) -> None:
    """Write every file to a temporary beside its target first; replace the targets only once all are written.

    A temporary (`.name.` and random hex digits) is named before it is made, so that whatever stops the
    writing, an error or an interrupt at any point, removes every temporary made so far. With `only_changed`,
    a file whose bytes are already there is left untouched, so its modification time, which make reads,
    moves only when its content does.
    """
    encoded = {Path(t): c.encode("utf-8") if isinstance(c, str) else c for t, c in files.items()}
    if only_changed:
        encoded = {t: c for t, c in encoded.items() if not (t.is_file() and t.read_bytes() == c)}
    staged = {}
    try:
        for target, content in encoded.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            staged[target] = target.parent / f".{target.name}.{secrets.token_hex(8)}"
            write_bytes_named(staged[target], content)
        for target, temporary in staged.items():
            os.replace(temporary, target)
    finally:
        for temporary in staged.values():
            try:
                os.unlink(temporary)
            except OSError:
                # already in its target's place, or never made (a read-only file system refuses even to look)
                if os.path.lexists(temporary):
                    raise


def write_csv_atomic(frame: "pd.DataFrame", target: Path) -> None:
    write_text_atomic(csv_text(frame), target)
