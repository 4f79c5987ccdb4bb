"""Member trees → axes: keys checked, totals resolved to the members they add up, cycles among totals found."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.aggregation import non_additive_in_total, of_which_parents
from gaidsl.language.diagnostics import Diagnostic, Related, Text, did_you_mean, duplicate, error, warning
from gaidsl.language.source import Span

TypeLowerer = Callable[[ast.TypeExpr], ir.CellType | None]


class AxisBuilder:
    """Builds one :class:`ir.Axis`, reporting into ``diagnostics``."""

    def __init__(self, key: str, label: str | None, diagnostics: list[Diagnostic], lower_type: TypeLowerer) -> None:
        self.key = key
        self.label = label
        self.diagnostics = diagnostics
        self.lower_type = lower_type
        self.members: list[ir.Member] = []
        self.by_key: dict[str, ir.Member] = {}
        self.sources: dict[str, ast.Member] = {}

    def build(self, members: Sequence[ast.Member]) -> ir.Axis:
        self._add_level(members, parent=None, path=(), labels=())
        resolved = self._resolve_totals()
        axis_members = tuple(resolved.get(m.key, m) for m in self.members)
        axis = ir.Axis(self.key, self.label, axis_members, {m.key: m for m in axis_members})
        self._check_cycles(axis)
        return axis

    def _add_level(
        self, members: Sequence[ast.Member], parent: str | None, path: tuple[str, ...], labels: tuple[str, ...]
    ) -> None:
        seen_labels: dict[str, ast.Member] = {}
        parts_of = of_which_parents(members, self.diagnostics)
        for member in members:
            if member.key in self.by_key:
                self.diagnostics.append(
                    duplicate(member.span, self.by_key[member.key].span, name=member.key, kind="成员", kind_en="member")
                )
                continue
            if member.label in seen_labels:
                first = seen_labels[member.label]
                self.diagnostics.append(
                    attrs.evolve(
                        warning("GAI108", member.span, label=member.label),
                        related=_first_here(first.span),
                    )
                )
            seen_labels[member.label] = member
            if member.after is not None:
                self.diagnostics.append(
                    error(
                        "GAI316",
                        member.span,
                        [Text("按需要的顺序书写成员即可", "write the members in the order they should appear")],
                        name=member.after,
                    )
                )
            node = ir.Member(
                key=member.key,
                label=member.label,
                kind=ir.narrow(member.kind, ir.MEMBER_KINDS),
                path=(*path, member.key),
                labels=(*labels, member.label),
                parent=parent,
                children=tuple(c.key for c in member.children),
                aliases=member.aliases,
                gloss=member.gloss,
                type=self.lower_type(member.type) if member.type else None,
                span=member.span,
                aggregation="of_which" if member.of_which else ir.narrow(member.aggregation, ir.AGGREGATIONS),
                part_of=parts_of.get(member.key),
                translations={t.lang: t.text for t in member.translations},
                gloss_translations={t.lang: t.text for t in member.gloss_translations},
            )
            self.members.append(node)
            self.by_key[member.key] = node
            self.sources[member.key] = member
            if member.kind == "group":
                if not member.children:
                    self.diagnostics.append(error("GAI110", member.span, name=member.key))
                self._add_level(member.children, member.key, node.path, node.labels)
                # Only the children that were added (not those dropped as duplicates, which may even repeat the
                # group's own key) are its children.
                added = tuple(m.key for m in self.members if m.parent == member.key and m is self.by_key[m.key])
                node = attrs.evolve(node, children=added)
                self.members[self.members.index(self.by_key[member.key])] = node
                self.by_key[member.key] = node

    def _siblings(self, member: ir.Member) -> list[ir.Member]:
        return [
            m
            for m in self.members
            if m.parent == member.parent and m.key != member.key and m.kind != "total" and m.aggregation != "of_which"
        ]

    def _leaves(self, key: str) -> list[str]:
        member = self.by_key[key]
        if member.kind != "group":
            return [key]
        out: list[str] = []
        for child in member.children:
            if child in self.by_key and self.by_key[child].kind != "total" and self.by_key[child].summable_in_group:
                out.extend(self._leaves(child))
        return out

    def _resolve_totals(self) -> dict[str, ir.Member]:
        resolved: dict[str, ir.Member] = {}
        for member in self.members:
            if member.kind != "total":
                continue
            source = self.sources[member.key]
            names = source.total_of
            sums: list[str] = []
            failed = False
            if names is None or names == ("*",):
                for sibling in self._siblings(member):
                    sums.extend(self._leaves(sibling.key))
            else:
                spans = source.total_of_spans
                for index, name in enumerate(names):
                    span = spans[index] if index < len(spans) and spans[index] is not None else source.span
                    if name == member.key:
                        self.diagnostics.append(error("GAI310", span, name=name))
                        failed = True
                    elif name == "*":
                        for sibling in self._siblings(member):
                            sums.extend(self._leaves(sibling.key))
                    elif name not in self.by_key:
                        self.diagnostics.append(
                            error("GAI105", span, did_you_mean(name, self.by_key), total=member.key, name=name)
                        )
                        failed = True
                    else:
                        sums.extend(self._leaves(name))
            if not sums and not failed:
                self.diagnostics.append(
                    error(
                        "GAI317",
                        source.span,
                        [Text("合计应与被加总的成员放在同一层级", "put the total next to the members it adds up")],
                        name=member.key,
                    )
                )
            sums = list(dict.fromkeys(sums))
            self.diagnostics.extend(non_additive_in_total(member, source, [self.by_key[s] for s in sums]))
            resolved[member.key] = attrs.evolve(member, sums=tuple(sums))
        return resolved

    def _check_cycles(self, axis: ir.Axis) -> None:
        graph = {
            m.key: [s for s in m.sums if axis.by_key[s].kind == "total"] for m in axis.members if m.kind == "total"
        }
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()

        def visit(node: str, stack: list[str]) -> None:
            state[node] = 1
            stack.append(node)
            for nxt in graph.get(node, []):
                if state.get(nxt) == 1:
                    cycle = [*stack[stack.index(nxt) :], nxt]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        text = " → ".join(f"{k}「{axis.by_key[k].label}」" for k in cycle)
                        span: Span | None = axis.by_key[nxt].span
                        self.diagnostics.append(
                            error(
                                "GAI302",
                                span,
                                [
                                    Text(
                                        "合计只能由非合计成员或不形成环的合计组成",
                                        "a total may add up other totals only without a loop",
                                    )
                                ],
                                cycle=text,
                            )
                        )
                elif state.get(nxt) is None:
                    visit(nxt, stack)
            stack.pop()
            state[node] = 2

        for key in graph:
            if key not in state:
                visit(key, [])


def _first_here(span: Span | None) -> tuple[Related, ...]:
    return (Related(span, Text("首次出现在这里", "first used here")),) if span is not None else ()
