"""Writing outputs so that a failed run never leaves a half-written file behind."""
import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the functions only call a frame's methods; pandas stays out of light importers
    import pandas as pd


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside `target`; it replaces `target` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    # mkstemp makes the file private; outputs get the usual permissions
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def csv_text(frame: "pd.DataFrame") -> str:
    """The project's one CSV dialect: UTF-8, comma, '\\n' line ends, no index."""
    return frame.to_csv(index=False, lineterminator="\n")


def json_text(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def read_json(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_text_atomic(text: str, target: Path) -> None:
    write_files_atomic({Path(target): text})


def write_files_atomic(files: dict[Path, str | bytes], only_changed: bool = False) -> None:
    """Write every file to a temporary beside its target first; replace the targets only once all are written.

    With `only_changed`, a file whose bytes are already there is left untouched, so its modification
    time, which make reads, moves only when its content does.
    """
    encoded = {Path(t): c.encode("utf-8") if isinstance(c, str) else c for t, c in files.items()}
    if only_changed:
        encoded = {t: c for t, c in encoded.items() if not (t.is_file() and t.read_bytes() == c)}
    with contextlib.ExitStack() as stack:
        staged = {target: stack.enter_context(atomic_path(target)) for target in encoded}
        for target, tmp in staged.items():
            tmp.write_bytes(encoded[target])


def write_csv_atomic(frame: "pd.DataFrame", target: Path) -> None:
    write_text_atomic(csv_text(frame), target)
