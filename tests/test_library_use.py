"""The project uses jupyter_client, nbclient, papermill and nbval through their public names only: no private name
imported or read, no attribute of theirs set, none of their classes subclassed. An upgrade of any of them can then
break the project only where their documentation says it may."""
import ast
from pathlib import Path

import pytest

from helpers import paths

LIBRARIES = ("jupyter_client", "nbclient", "papermill", "nbval")
PROJECT_CODE = sorted([*(paths.ROOT / "src").rglob("*.py"), *(paths.ROOT / "tests").rglob("*.py")])


def is_library(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in LIBRARIES


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def root_name(node: ast.expr) -> str | None:
    """The name an expression such as `a.b(c).d[0]` starts from (`a`)."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def private_uses(source: str, filename: str = "<code>") -> list[str]:
    """Where code touches a private name of the libraries: as `file:line: what`. Names bound to the libraries'
    modules and objects are followed through plain assignments (`km = jupyter_client.KernelManager()`)."""
    tree = ast.parse(source, filename)
    library_names: set[str] = set()
    found = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if is_library(alias.name):
                    library_names.add((alias.asname or alias.name).split(".")[0])
                    if any(map(is_private, alias.name.split("."))):
                        report(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and is_library(node.module):
            if any(map(is_private, node.module.split("."))):
                report(node, f"from {node.module} import ...")
            for alias in node.names:
                library_names.add(alias.asname or alias.name)
                if is_private(alias.name):
                    report(node, f"from {node.module} import {alias.name}")
    changed = True
    while changed:  # names assigned from the libraries' objects are theirs too
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and root_name(node.value) in library_names:
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in library_names:
                        library_names.add(target.id)
                        changed = True
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and root_name(node) in library_names:
            if is_private(node.attr):
                report(node, f"reads or sets private .{node.attr}")
            elif isinstance(node.ctx, ast.Store):
                report(node, f"sets .{node.attr} of a library object")
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                if root_name(base) in library_names:
                    report(node, f"class {node.name} subclasses {ast.unparse(base)}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr"):
            if node.args and root_name(node.args[0]) in library_names and len(node.args) > 1 \
                    and isinstance(node.args[1], ast.Constant) and is_private(str(node.args[1].value)):
                report(node, f"{node.func.id}(..., {node.args[1].value!r})")
    return found


@pytest.mark.parametrize("code, expected", [
    ("from jupyter_client.manager import _private", "from jupyter_client.manager import _private"),
    ("import papermill._internal", "import papermill._internal"),
    ("import nbval.kernel\nnbval.kernel.KernelManager = object", "sets .KernelManager"),
    ("from jupyter_client import KernelManager\nkm = KernelManager()\nkm.provisioner._pid = 1", "private ._pid"),
    ("from jupyter_client.provisioning import LocalProvisioner\nclass Mine(LocalProvisioner): pass",
     "class Mine subclasses LocalProvisioner"),
    ("import nbclient as nc\nx = getattr(nc.client, '_secret')", "getattr(..., '_secret')"),
])
def test_the_check_finds_each_kind_of_private_use(code, expected):
    assert any(expected in use for use in private_uses(code)), private_uses(code)


def test_public_use_passes_the_check():
    code = ("import papermill\nfrom traitlets.config import Config\n"
            "papermill.execute_notebook('a.ipynb', 'b.ipynb', config=Config(), on_cell_start=print)\n"
            "error = papermill.PapermillExecutionError\nprint(error.__name__, papermill.__version__)\n"
            "class Own:\n    _mine = 1\nOwn()._mine = 2")
    assert private_uses(code) == []


def test_no_project_file_touches_a_private_name_of_the_libraries():
    uses = [use for file in PROJECT_CODE
            for use in private_uses(file.read_text(encoding="utf-8"), str(file.relative_to(paths.ROOT)))]
    assert uses == []
