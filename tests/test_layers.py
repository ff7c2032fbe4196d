"""The package's layers hold (CI fails on an import that runs against them), and the import
graph behind them and behind every stage's code digest reads dotted, relative and lazy imports
across subpackages."""

import ast
import shutil
from pathlib import Path

from conftest import REPO

from leanmlp.imports import PACKAGE_LAYERS, imported_modules, layer_violations, module_graph


def test_the_package_keeps_its_layers():
    assert layer_violations(module_graph(), PACKAGE_LAYERS) == []


def test_every_module_sits_in_a_layer_and_every_layer_exists():
    graph = module_graph()
    groups = [group for layer in PACKAGE_LAYERS for group in layer]
    assert all(any(module == group or module.startswith(group + ".") for module in graph) for group in groups)


def copy_of_the_package(tmp_path):
    package = tmp_path / "leanmlp"
    shutil.copytree(REPO / "leanmlp", package, ignore=shutil.ignore_patterns("__pycache__"))
    return package


def append(path, text):
    path.write_text(path.read_text() + text)


def test_an_import_against_the_layers_is_caught(tmp_path):
    package = copy_of_the_package(tmp_path)
    # the network reaching up into the report, inside a function (it runs when called)
    append(package / "nn/layers.py", "\n\ndef table():\n    from leanmlp.report.tables import markdown_table\n")
    # the data layer importing its sibling, the network, through a relative import
    append(package / "data/splits.py", "\nfrom ..nn import models\n")
    # a new subpackage nobody placed
    (package / "extras").mkdir()
    (package / "extras/__init__.py").write_text("")
    problems = layer_violations(module_graph(package_dir=package), PACKAGE_LAYERS)
    assert problems == [
        "leanmlp.data.splits imports leanmlp.nn.models: leanmlp.data and leanmlp.nn are independent siblings",
        "leanmlp.extras is in no layer: add it to the layers",
        "leanmlp.nn.layers imports leanmlp.report.tables: leanmlp.nn sits below leanmlp.report",
    ]


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_imported_modules_follow_dotted_relative_and_lazy_imports_across_subpackages(tmp_path):
    write(tmp_path, {
        "pkg/__init__.py": "def __getattr__(name):\n    from .tools.late import Late\n    return Late\n",
        "pkg/net/__init__.py": "",
        "pkg/net/core.py": "from ..data import files\nfrom .parts import helper\n",
        "pkg/net/parts.py": "def helper():\n    import pkg.data.deep.inner\n",
        "pkg/data/__init__.py": "",
        "pkg/data/files.py": "import numpy\n",
        "pkg/data/deep/__init__.py": "",
        "pkg/data/deep/inner.py": "",
        "pkg/data/unused.py": "",
        "pkg/tools/__init__.py": "",
        "pkg/tools/late.py": "",
        "script.py": "from pkg.net.core import something\n",
        "user.py": "from pkg import Late\n",
    })
    package_dir = tmp_path / "pkg"

    def found(script):
        return sorted(Path(p).relative_to(package_dir).as_posix()
                      for p in imported_modules(tmp_path / script, "pkg", package_dir))

    assert found("script.py") == [
        "__init__.py", "data/__init__.py", "data/deep/__init__.py", "data/deep/inner.py", "data/files.py",
        "net/__init__.py", "net/core.py", "net/parts.py"]
    # the package's lazy export is a dependency of whoever asks for it, and of no one else
    assert found("user.py") == ["__init__.py", "tools/__init__.py", "tools/late.py"]
    graph = module_graph("pkg", package_dir)
    assert graph["pkg.net.core"] == {"pkg.data.files", "pkg.net.parts"}
    assert graph["pkg"] == set()


def unannotated(path):
    """The public functions (nested ones too) of a module lacking a parameter's or the return's
    type hint."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                         *filter(None, (node.args.vararg, node.args.kwarg))]
            missing = [a.arg for a in arguments if a.annotation is None and a.arg not in ("self", "cls")]
            if missing or node.returns is None:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    return found


def test_every_public_function_of_the_package_has_type_hints():
    assert [name for path in sorted((REPO / "leanmlp").rglob("*.py")) for name in unannotated(path)] == []
