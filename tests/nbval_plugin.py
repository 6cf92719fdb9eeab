"""pytest plugin for the notebook tests: the summary says how many cells are exempt from output comparison."""
import json
from pathlib import Path

IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")


def ignored_cells(notebook: Path) -> int:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum(1 for cell in cells if cell["cell_type"] == "code"
               and any(marker in "".join(cell["source"]) for marker in IGNORE_MARKERS))


def pytest_terminal_summary(terminalreporter, config):
    # from the test reports, which also reach the controller when xdist runs the tests
    reports = [r for outcome in ("passed", "failed") for r in terminalreporter.stats.get(outcome, [])]
    notebooks = sorted({Path(config.rootpath, r.nodeid.split("::")[0]) for r in reports
                        if r.nodeid.split("::")[0].endswith(".ipynb")})
    if not notebooks:
        return
    total = sum(ignored_cells(nb) for nb in notebooks)
    terminalreporter.write_line(f"nbval: {len(notebooks)} notebooks compared in strict mode; "
                                f"{total} cell(s) exempt with NBVAL_IGNORE_OUTPUT/NBVAL_SKIP")
