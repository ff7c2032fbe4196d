"""The package's import graph, read from the source without importing anything: which modules a
stage script depends on (its code digest hashes them) and whether an import runs against the
layers the package is built in (``layer_violations``)."""

import ast
import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

PACKAGE = "leanmlp"
PACKAGE_DIR = Path(__file__).resolve().parent


def module_name(file: str | Path, package: str = PACKAGE, package_dir: Path = PACKAGE_DIR) -> str:
    """'leanmlp.nn.models' for leanmlp/nn/models.py, 'leanmlp.nn' for leanmlp/nn/__init__.py."""
    relative = Path(file).resolve().relative_to(Path(package_dir).resolve())
    parts = relative.parent.parts if relative.name == "__init__.py" else relative.with_suffix("").parts
    return ".".join((package, *parts))


def module_file(name: str, package: str = PACKAGE, package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The file of the dotted module or subpackage ``name`` of ``package``, or None."""
    parts = name.split(".")
    if parts[0] != package:
        return None
    base = Path(package_dir).joinpath(*parts[1:])
    for file in (base.with_suffix(".py") if len(parts) > 1 else None, base / "__init__.py"):
        if file is not None and file.is_file():
            return file
    return None


def lazy_exports(tree: ast.Module) -> dict[str, tuple[int, str | None]]:
    """{name: module} of a package's module-level ``__getattr__``: names it imports only when
    asked for them, so they count as imports of whoever imports the name, not of the package."""
    exports = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    exports.update({alias.asname or alias.name: (inner.level, inner.module) for alias in inner.names})
    return exports


def absolute(level: int, module: str | None, current_package: str) -> str:
    """The dotted name a ``from <level dots><module> import`` means inside ``current_package``."""
    if not level:
        return module
    base = current_package.split(".")[: len(current_package.split(".")) - level + 1]
    return ".".join(base + ([module] if module else []))


def imported_names(file: str | Path, package: str = PACKAGE, package_dir: Path = PACKAGE_DIR) -> set[str]:
    """Every dotted name the file imports, at any depth (a function's imports run when it is
    called), skipping a package's lazy exports. A ``from a import b`` yields both ``a`` and
    ``a.b``, since b may be a module of a."""
    file = Path(file)
    inside = None
    try:
        inside = module_name(file, package, package_dir)
        if file.name != "__init__.py":
            inside = inside.rpartition(".")[0]
    except ValueError:  # a script outside the package: no relative imports to resolve
        pass
    return set(names_in_source(file.read_text(), inside))


@functools.lru_cache(maxsize=1024)
def names_in_source(text: str, inside: str | None) -> frozenset[str]:
    """``imported_names`` of one source text (cached: every rule's code digest reads the same
    modules, and parsing them once per Snakemake start is enough)."""
    tree = ast.parse(text)
    lazy = {id(node) for fn in tree.body if isinstance(fn, ast.FunctionDef) and fn.name == "__getattr__"
            for node in ast.walk(fn)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in lazy:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level and inside is None:
                continue
            module = absolute(node.level, node.module, inside or "")
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def direct_imports(file: str | Path, package: str = PACKAGE, package_dir: Path = PACKAGE_DIR) -> set[Path]:
    """The module files of ``package`` that ``file`` names in its imports: the module itself
    for ``from a.b import name`` or ``import a.b``, and the module behind a lazy export."""
    files = set()
    for name in imported_names(file, package, package_dir):
        found = module_file(name, package, package_dir)
        if found is None and name.count("."):
            parent, _, attribute = name.rpartition(".")
            init = module_file(parent, package, package_dir)
            is_package = init is not None and init.name == "__init__.py"
            exports = lazy_exports(ast.parse(init.read_text())) if is_package else {}
            if attribute in exports:
                found = module_file(absolute(*exports[attribute], parent), package, package_dir)
        if found is not None:
            files.add(found)
    # "from a import b" names a, too: keep a only where nothing deeper was meant
    return {f for f in files if not (f.name == "__init__.py" and any(
        other != f and other.is_relative_to(f.parent) for other in files))}


def package_imports(file: str | Path, package: str = PACKAGE, package_dir: Path = PACKAGE_DIR) -> set[Path]:
    """The files of ``package`` that importing ``file`` runs: the modules it imports and the
    ``__init__`` of every package on the way to them."""
    files = set()
    root = Path(package_dir)
    for found in direct_imports(file, package, package_dir):
        files.add(found)
        folder = found.parent
        while folder.is_relative_to(root):
            files.add(folder / "__init__.py")
            folder = folder.parent
    return files


def imported_modules(path: str | Path, package: str = PACKAGE, package_dir: Path = PACKAGE_DIR) -> list[str]:
    """The module files of ``package`` that the Python file ``path`` imports, directly or through
    each other, in any subpackage: what a stage's results depend on. Sorted paths."""
    seen, pending = set(), [Path(path)]
    while pending:
        for file in package_imports(pending.pop(), package, package_dir):
            if file not in seen:
                seen.add(file)
                pending.append(file)
    return sorted(str(file) for file in seen)


def data_files(modules: Iterable[str | Path], package_dir: Path = PACKAGE_DIR) -> list[str]:
    """The package's files that are not Python (a report template) and whose name one of
    ``modules`` spells out in a string: what those modules read besides code. Sorted paths."""
    candidates = {}
    for file in Path(package_dir).rglob("*"):
        if file.is_file() and file.suffix not in (".py", ".pyc"):
            candidates.setdefault(file.name, []).append(file)
    named = set().union(*(strings_in_source(Path(module).read_text()) for module in modules))
    return sorted(str(file) for name in named & set(candidates) for file in candidates[name])


@functools.lru_cache(maxsize=1024)
def strings_in_source(text: str) -> frozenset[str]:
    """Every string constant of one source text (cached, like ``names_in_source``)."""
    return frozenset(node.value for node in ast.walk(ast.parse(text))
                     if isinstance(node, ast.Constant) and isinstance(node.value, str))


def module_graph(package: str = PACKAGE, package_dir: Path = PACKAGE_DIR) -> dict[str, set[str]]:
    """{module name: the module names of the package it imports directly} for every module."""
    graph = {}
    for file in sorted(Path(package_dir).rglob("*.py")):
        graph[module_name(file, package, package_dir)] = {
            module_name(found, package, package_dir) for found in direct_imports(file, package, package_dir)}
    return graph


def owner(module: str, groups: Iterable[str]) -> str | None:
    """The longest group (a module or a subpackage name) ``module`` belongs to, or None."""
    # the package itself (its __init__) is a group of one module, not of everything under it
    matches = [group for group in groups if module == group or ("." in group and module.startswith(group + "."))]
    return max(matches, key=len, default=None)


def layer_violations(graph: dict[str, set[str]], layers: Sequence[Sequence[str]]) -> list[str]:
    """['a imports b: ...'] for every import that runs against ``layers``, listed from the top:
    each layer a list of modules or subpackages that may import anything below them but nothing
    above, nor each other (siblings of one layer stay independent). A module in no layer is
    itself a violation, so a new subpackage has to be placed."""
    rank = {group: depth for depth, layer in enumerate(layers) for group in layer}
    problems = []
    for module, imported in sorted(graph.items()):
        mine = owner(module, rank)
        if mine is None:
            problems.append(f"{module} is in no layer: add it to the layers")
            continue
        for other in sorted(imported):
            theirs = owner(other, rank)
            if theirs is None or theirs == mine:
                continue
            if rank[theirs] < rank[mine]:
                problems.append(f"{module} imports {other}: {mine} sits below {theirs}")
            elif rank[theirs] == rank[mine]:
                problems.append(f"{module} imports {other}: {mine} and {theirs} are independent siblings")
    return problems


# leanmlp's layers, from the top: a layer may import any layer below it, nothing above, and the
# groups of one layer stay independent of each other (the network never sees the data's files).
PACKAGE_LAYERS = (
    ("leanmlp.__main__", "leanmlp.plan"),
    ("leanmlp.report",),
    ("leanmlp.study",),
    ("leanmlp.deploy",),
    ("leanmlp.mining",),
    ("leanmlp.nn", "leanmlp.data"),
    ("leanmlp", "leanmlp.provenance", "leanmlp.stage"),
    ("leanmlp.imports", "leanmlp.exceptions", "leanmlp.atomic", "leanmlp.seeding", "leanmlp.sampling"),
)
