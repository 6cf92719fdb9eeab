"""The pinned environment: requirements.lock (for pip) and environment.yml (for conda) carry the same pins.

`python -m helpers.tools.environment` rewrites environment.yml from requirements.lock.
"""
import re
import sys
from pathlib import Path

from helpers import paths
from helpers.files import write_text_atomic

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)$")
LOCK = paths.REQUIREMENTS_LOCK
ENVIRONMENT_YML = paths.ENVIRONMENT_YML
PYTHON_VERSION = "3.11"


def lock_pins(path: Path = LOCK) -> dict[str, str]:
    """name -> version for every line of the lock; any line that is not an exact pin is an error."""
    pins = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        if not match:
            raise ValueError(f"{Path(path).name}:{number}: '{line}' is not an exact pin (name==version)")
        pins[match.group(1).lower()] = match.group(2)
    return pins


def environment_yml_pins(path: Path = ENVIRONMENT_YML) -> dict[str, str]:
    """name -> version of the pip section of environment.yml (written by this module, one pin a line)."""
    pins = {}
    for line in Path(path).read_text().splitlines():
        match = re.match(r"^\s+- ([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def environment_yml_text(pins: dict[str, str]) -> str:
    lines = [
        "# Written by `make lock` from requirements.lock: the same pins, for conda users.",
        "name: vn-digital-government",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={PYTHON_VERSION}",
        "  - pip",
        "  - pip:",
        *(f"      - {name}=={version}" for name, version in sorted(pins.items())),
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    write_text_atomic(environment_yml_text(lock_pins()), ENVIRONMENT_YML)
    sys.exit(0)
