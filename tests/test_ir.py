"""The IR is deeply immutable, and every walker over its expression nodes is exhaustive (checked by mypy).

Issue 12, acceptance 5: assigning into any IR mapping raises; adding an IR expression node without handling it
fails mypy.
"""

from __future__ import annotations

import ast
import copy
import functools
import pickle
import re
import shutil
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs
import mypy.api
import pytest

import gaidsl
from gaidsl.language import ir

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gaidsl"
SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"

# Every walker over IR expressions outside targets/ (module path : qualified name), each a ``match`` that ends in
# ``case _: assert_never(node)`` or in ``ir.not_a_number`` / ``ir.not_a_text`` / ``ir.not_a_condition``.
WALKERS = {
    "language/ir.py:walk",
    "language/ir.py:is_text",
    "language/expressions.py:_constant_value",
    "checking/evaluate.py:Env.number",
    "checking/evaluate.py:Env.slack",
    "checking/evaluate.py:Env.string",
    "checking/evaluate.py:Env.truth",
    "checking/explain.py:_terms",
    "checking/explain.py:arith_name",
    "language/cell_map.py:map_cells",
    "language/cell_map.py:map_condition",
    "checking/open_members.py:_condition",
    "checking/open_members.py:_template",
    "checking/open_members.py:_operand",
    "analysis/encoding.py:Encoder.num",
    "analysis/encoding.py:Encoder.text",
    "analysis/encoding.py:Encoder.slack",
    "analysis/encoding.py:Encoder.cond",
    "analysis/encoding.py:Encoder.verdicts",
    "analysis/encoding.py:Encoder.num_direction",
    "analysis/encoding.py:Encoder.ray",
    "sampling/linear_system.py:linear.walk",
    "sampling/sampler.py:_mentions_wanted",
    "migrations/proof_encoding.py:shift",
    "migrations/proof_encoding.py:kleene",
    "diff/expressions.py:expr_text",
}
# Walkers over the references alone (CellRef | FieldRef | TextRef).
REFERENCE_WALKERS = {"analysis/encoding.py:Encoder.key_of", "checking/explain.py:_ref_of"}
# Walkers over the text functions' conditions alone (Mentions | Empty | TextTest).
TEXT_CONDITION_WALKERS = {"checking/evaluate.py:text_condition_holds", "checking/explain.py:text_condition_words"}
EXPRESSION_NODES = {t.__name__ for t in typing.get_args(ir.Expr)}
FALLBACKS = {"assert_never", "not_a_number", "not_a_text", "not_a_condition"}


@pytest.fixture(scope="module")
def spec() -> ir.Spec:
    return gaidsl.load_spec(SPEC)


def _mappings(obj: object, seen: set[int] | None = None) -> Iterator[tuple[str, Mapping[object, object]]]:
    """Every mapping reachable from an IR object, with where it was found."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    cls = type(obj)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            value = getattr(obj, field.name)
            if isinstance(value, Mapping):
                yield f"{cls.__name__}.{field.name}", value
            yield from _mappings(value, seen)
    elif isinstance(obj, Mapping):
        for value in obj.values():
            yield from _mappings(value, seen)
    elif isinstance(obj, tuple | frozenset):
        for value in obj:
            yield from _mappings(value, seen)


def _mutables(obj: object, seen: set[int] | None = None) -> Iterator[str]:
    """The plain lists, dicts, sets and bytearrays reachable from an IR object (there must be none)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, list | set | bytearray) or type(obj) is dict:
        yield type(obj).__name__
    cls = type(obj)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            for found in _mutables(getattr(obj, field.name), seen):
                yield f"{cls.__name__}.{field.name}: {found}"
    elif isinstance(obj, Mapping):
        for value in obj.values():
            yield from _mutables(value, seen)
    elif isinstance(obj, tuple | frozenset):
        for value in obj:
            yield from _mutables(value, seen)


def test_every_ir_mapping_refuses_changes(spec: ir.Spec) -> None:
    found = list(_mappings(spec))
    places = {place for place, _ in found}
    assert {"Spec.units", "Spec.fields", "Spec.tables", "Spec.texts", "Spec.cells", "Axis.by_key"} <= places
    for place, mapping in found:
        assert isinstance(mapping, ir.FrozenDict), place
        if not mapping:  # Spec.open_dimensions of a spec without open dimensions: nothing to change
            continue
        key = next(iter(mapping))
        value = mapping[key]
        _refuses_every_change(mapping, key, value)
        assert mapping[key] is value and "x" not in mapping, place


def _refuses_every_change(mapping: Mapping[object, object], key: object, value: object) -> None:
    target: dict[object, object] = mapping  # type: ignore[assignment]  # as a caller that ignores the types would
    with pytest.raises(TypeError):
        target["x"] = 1
    with pytest.raises(TypeError):
        target[key] = value
    with pytest.raises(TypeError):
        del target[key]
    with pytest.raises(TypeError):
        target.update({"x": 1})
    with pytest.raises(TypeError):
        target.setdefault("x", 1)
    with pytest.raises(TypeError):
        target.pop(key)
    with pytest.raises(TypeError):
        target.popitem()
    with pytest.raises(TypeError):
        target.clear()
    with pytest.raises(TypeError):
        target |= {"x": 1}


def test_nothing_mutable_is_left_in_the_ir(spec: ir.Spec) -> None:
    assert list(_mutables(spec)) == []


def test_the_lowering_keeps_no_handle_on_the_spec(spec: ir.Spec) -> None:
    """The mappings are copies: changing the dict a spec was built from changes nothing in it."""
    units = dict(spec.units)
    rebuilt = attrs.evolve(spec, units=units)
    units["x"] = next(iter(units.values()))
    assert "x" not in rebuilt.units


def test_a_spec_pickles_and_copies(spec: ir.Spec) -> None:
    twins: tuple[ir.Spec, ...] = (pickle.loads(pickle.dumps(spec)), copy.deepcopy(spec), copy.copy(spec))
    for twin in twins:
        assert isinstance(twin.cells, ir.FrozenDict)
        assert twin.cells == spec.cells and twin.tables == spec.tables and twin.checks == spec.checks
        with pytest.raises(TypeError):
            twin.cells["x"] = 1


# ---------------------------------------------------------------------------------------------------- walkers


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef]]:
    """Every function of a module with its qualified name (``Class.method``, ``outer.inner``)."""

    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[str, ast.FunctionDef]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef):
                name = prefix + child.name
                yield name, child
                yield from visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, prefix + child.name + ".")
            else:
                yield from visit(child, prefix)

    yield from visit(tree, "")


def _node_patterns(match: ast.Match) -> set[str]:
    """The IR expression classes a match's class patterns name."""
    names = set()
    for case in match.cases:
        for pattern in ast.walk(case.pattern):
            if isinstance(pattern, ast.MatchClass):
                cls = pattern.cls
                name = cls.attr if isinstance(cls, ast.Attribute) else cls.id if isinstance(cls, ast.Name) else ""
                if name in EXPRESSION_NODES:
                    names.add(name)
    return names


def _own_matches(function: ast.FunctionDef) -> Iterator[ast.Match]:
    """The match statements of a function's own body (not of functions nested in it)."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Match):
            yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))


@functools.cache  # one parse of the package per worker, not one per walker's test (27 of them: ~1 s each)
def _walkers() -> dict[str, ast.Match]:
    """Every function under gaidsl/ (targets/ aside) with a match over IR expression classes, by qualified name."""
    found: dict[str, ast.Match] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("targets/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, function in _functions(tree):
            for match in _own_matches(function):
                if _node_patterns(match):
                    found[f"{relative}:{name}"] = match
    return found


def test_the_walker_list_is_complete() -> None:
    assert set(_walkers()) == WALKERS | REFERENCE_WALKERS | TEXT_CONDITION_WALKERS


@pytest.mark.parametrize("walker", sorted(WALKERS | REFERENCE_WALKERS | TEXT_CONDITION_WALKERS))
def test_each_walker_ends_in_a_checked_fallback(walker: str) -> None:
    last = _walkers()[walker].cases[-1]
    assert isinstance(last.pattern, ast.MatchAs) and last.pattern.pattern is None and last.guard is None, walker
    assert len(last.body) == 1 and isinstance(last.body[0], ast.Expr), walker
    call = last.body[0].value
    assert isinstance(call, ast.Call), walker
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    assert name in FALLBACKS, walker


_NEW_NODES = """

@attrs.frozen
class Ratio:  # a new number node
    numerator: NumExpr
    denominator: NumExpr


@attrs.frozen
class Between:  # a new condition node
    arg: NumExpr
    low: NumExpr
    high: NumExpr


@attrs.frozen
class Upper:  # a new text node
    arg: TextExpr

"""


def test_a_new_node_fails_mypy_in_every_walker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of gaidsl whose IR has one new node in each family: mypy must name every walker over expressions."""
    shadow = tmp_path / "gaidsl"
    shutil.copytree(PACKAGE, shadow, ignore=shutil.ignore_patterns("targets", "__pycache__"))
    ir_file = shadow / "language" / "ir.py"
    source = ir_file.read_text(encoding="utf-8")
    families = "NumExpr = Const | CellRef | FieldRef | Sum | Scale | Length | Arith\n"
    assert families in source
    source = source.replace(
        families,
        "NumExpr = Const | CellRef | FieldRef | Sum | Scale | Length | Arith | Ratio\n",
    )
    source = source.replace("BoolExpr = Compare |", "BoolExpr = Between | Compare |", 1)
    source = source.replace("TextExpr = TextConst | TextRef\n", "TextExpr = TextConst | TextRef | Upper\n", 1)
    source = source.replace("\n\n# The closed families", _NEW_NODES + "\n# The closed families", 1)
    ir_file.write_text(source, encoding="utf-8")
    modules = sorted({w.split(":")[0] for w in WALKERS})
    monkeypatch.chdir(tmp_path)
    args = ["--config-file", str(ROOT / "pyproject.toml"), "--follow-imports=silent", "--ignore-missing-imports"]
    args += ["--cache-dir", str(tmp_path / "cache"), "--no-error-summary", "--show-error-codes"]
    stdout, stderr, status = mypy.api.run([*args, *(f"gaidsl/{m}" for m in modules)])
    assert status == 1, stdout + stderr
    reported: set[str] = set()
    for line in stdout.splitlines():
        found = re.match(r"gaidsl/(.+?\.py):(\d+): error: .*\[arg-type\]", line)
        assert found is not None, line  # nothing but walkers missing a case
        relative, number = found.group(1), int(found.group(2))
        tree = ast.parse((shadow / relative).read_text(encoding="utf-8"))
        enclosing = [name for name, f in _functions(tree) if f.lineno <= number <= (f.end_lineno or f.lineno)]
        reported.add(f"{relative}:{enclosing[-1]}")
    assert reported == WALKERS
