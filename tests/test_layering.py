"""The layering rule of issue 12, checked over gaidsl's import graph.

Every module under ``gaidsl/`` (``gaidsl/targets`` is the top-level ``targets/`` folder reached through a symlink) is
parsed with :mod:`ast`; no module is imported. The graph's edges are the ``import`` statements that name a gaidsl
module. The test asserts:

(a) no cycle among modules;
(b) no ``from gaidsl.x import _name`` where ``gaidsl.x`` is another module: what two modules share is a public name
    in the lower one;
(c) no import of a gaidsl module inside a function body (an ``if TYPE_CHECKING:`` block is allowed anywhere);
(d) each package imports only from packages at or below it in :data:`LAYERS`.

Run ``python tests/test_layering.py`` to print the graph's findings without pytest.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gaidsl"

# Bottom to top. A module of layer i may import from layers 0..i. "top" is gaidsl/__init__.py, testing.py, __main__.py.
LAYERS = (
    "language",
    "checking",
    "analysis",
    "sampling",
    "migrations",
    "diff",
    "forms",
    "targets",
    "engines",
    "ingest",
    "lsp",
    "cli",
    "top",
)


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    target: str  # the gaidsl module imported (resolved to a module, not a name inside it)
    names: tuple[str, ...]  # names taken with "from ... import"; empty for "import x"
    line: int
    in_function: bool


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name; the symlinked ``targets`` folder is followed."""
    modules: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        if "__pycache__" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(("gaidsl", *parts))] = path
    # rglob does not descend into symlinked folders before Python 3.13; walk targets/ through the link by hand.
    link = package / "targets"
    if link.is_symlink():
        for path in sorted(link.resolve().rglob("*.py")):
            parts = path.relative_to(link.resolve()).with_suffix("").parts
            if "__pycache__" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(("gaidsl", "targets", *parts))] = path
    return modules


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import statement with whether it sits inside a function, skipping ``if TYPE_CHECKING:`` blocks."""

    def walk(node: ast.AST, in_function: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    yield from walk(other, in_function)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, in_function
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from walk(child, inner)

    yield from walk(tree, False)


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The gaidsl modules that one module imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[Import] = []
    for node, in_function in _imports(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    found.append(Import(name, alias.name, (), node.lineno, in_function))
            continue
        base = node.module or ""
        if node.level:
            anchor = name if _is_package(name, modules) else name.rpartition(".")[0]
            for _ in range(node.level - 1):
                anchor = anchor.rpartition(".")[0]
            base = f"{anchor}.{base}" if base else anchor
        if base not in modules:
            continue
        plain: list[str] = []
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            if sub in modules:
                found.append(Import(name, sub, (), node.lineno, in_function))
            else:
                plain.append(alias.name)
        if plain:
            found.append(Import(name, base, tuple(plain), node.lineno, in_function))
    return found


def import_graph(package: Path = PACKAGE) -> list[Import]:
    modules = module_files(package)
    return [imp for name, path in modules.items() for imp in imports_of(name, path, modules)]


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] not in LAYERS:
        return "top"
    return parts[1]


def cycles(edges: list[Import]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a module importing itself)."""
    graph: dict[str, set[str]] = {}
    for imp in edges:
        graph.setdefault(imp.importer, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def private_imports(edges: list[Import]) -> list[str]:
    return [
        f"{imp.importer}:{imp.line} imports {', '.join(n for n in imp.names if n.startswith('_'))} from {imp.target}"
        for imp in edges
        if imp.importer != imp.target and any(n.startswith("_") and not n.startswith("__") for n in imp.names)
    ]


def local_imports(edges: list[Import]) -> list[str]:
    return [f"{imp.importer}:{imp.line} imports {imp.target} inside a function" for imp in edges if imp.in_function]


def layer_violations(edges: list[Import]) -> list[str]:
    return [
        f"{imp.importer}:{imp.line} ({layer_of(imp.importer)}) imports {imp.target} ({layer_of(imp.target)})"
        for imp in edges
        # the package's dunders (``__version__``) are read before any layer loads: importing them is no dependency
        if not (imp.target == "gaidsl" and all(n.startswith("__") for n in imp.names))
        if LAYERS.index(layer_of(imp.target)) > LAYERS.index(layer_of(imp.importer))
    ]


@functools.cache
def edges() -> list[Import]:
    """gaidsl's import graph, made when a test first asks (not at collection, which every xdist worker does)."""
    return import_graph()


def test_the_scan_sees_the_whole_package() -> None:
    modules = module_files()
    assert "gaidsl.language.parser" in modules
    assert "gaidsl.cli.main" in modules
    assert "gaidsl.targets.python.plan" in modules
    assert len(edges()) > 200


def test_no_import_cycle() -> None:
    assert cycles(edges()) == []


def test_no_private_name_imported_from_another_module() -> None:
    assert private_imports(edges()) == []


def test_no_gaidsl_import_inside_a_function() -> None:
    assert local_imports(edges()) == []


def test_each_layer_imports_only_from_layers_at_or_below_it() -> None:
    assert layer_violations(edges()) == []


def test_the_checks_catch_planted_violations(tmp_path: Path) -> None:
    package = tmp_path / "gaidsl"
    for folder in ("language", "checking"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "language" / "low.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from gaidsl.checking.high import thing\n"  # upward: (d), and a cycle: (a)
        "if TYPE_CHECKING:\n    from gaidsl.checking import high\n"
        "_secret = 1\n"
    )
    (package / "checking" / "high.py").write_text(
        "from gaidsl.language.low import _secret\n"  # (b)
        "def thing():\n    from gaidsl.language import low\n    return low\n"  # (c)
    )
    edges = import_graph(package)
    assert cycles(edges) == [["gaidsl.checking.high", "gaidsl.language.low"]]
    assert private_imports(edges) == ["gaidsl.checking.high:1 imports _secret from gaidsl.language.low"]
    assert local_imports(edges) == ["gaidsl.checking.high:3 imports gaidsl.language.low inside a function"]
    assert layer_violations(edges) == ["gaidsl.language.low:2 (language) imports gaidsl.checking.high (checking)"]


if __name__ == "__main__":
    for title, lines in (
        ("cycles", [" -> ".join(c) for c in cycles(edges())]),
        ("private imports", private_imports(edges())),
        ("imports inside functions", local_imports(edges())),
        ("layer violations", layer_violations(edges())),
    ):
        print(f"## {title}: {len(lines)}")
        for line in lines:
            print("  " + line)
