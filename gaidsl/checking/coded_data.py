"""The members of a coded hierarchy in a data file (docs/open-dimensions.md#coded-hierarchies): each code's level
(GAI750), its parent entered before it is used (GAI751), the code in the code list (GAI752) and its label the
official name (GAI753, a warning), each reported at the member in the data file."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from gaidsl.checking.report import EnteredMember
from gaidsl.language import ir
from gaidsl.language.coded import level_lengths
from gaidsl.language.diagnostics import Diagnostic, Text, error, warning
from gaidsl.language.source import Span


@attrs.frozen
class Placed:
    """An entered member with where its key and its label are written (start and end offsets in the data file)."""

    member: EnteredMember
    key_at: tuple[int, int]
    label_at: tuple[int, int]


def coded_problems(
    opened: ir.OpenMembers, placed: Sequence[Placed], span: Callable[[int, int], Span]
) -> tuple[tuple[EnteredMember, ...], list[Diagnostic]]:
    """The members that keep the hierarchy's rules, and a diagnostic for each that does not (a wrong name is only a
    warning: the member is kept)."""
    coded = opened.coded
    if coded is None:
        return tuple(p.member for p in placed), []
    problems: list[Diagnostic] = []
    kept: list[Placed] = []
    for entry in placed:
        key, label = entry.member.key, entry.member.label
        if coded.levels and coded.level_of(key) is None:
            lengths = level_lengths(coded.levels)
            problems.append(
                error(
                    "GAI750", span(*entry.key_at), key=key, length=len(key), dimension=opened.dimension, lengths=lengths
                )
            )
            continue
        if coded.codes and key not in coded.codes:
            problems.append(
                error("GAI752", span(*entry.key_at), key=key, dimension=opened.dimension, path=coded.codes_file)
            )
            continue
        official = coded.codes.get(key)
        if official is not None and official != label:
            help = Text(f"编码表中的名称：「{official}」", f"the code list's name: '{official}'")
            problems.append(warning("GAI753", span(*entry.label_at), [help], key=key, label=label, official=official))
        kept.append(entry)
    entered = {p.member.key for p in kept}
    for entry in kept:
        parent = coded.parent_of(entry.member.key)
        if parent is not None and parent not in entered:
            help = Text(f"先填报上级「{parent}」这一行", f"enter the parent row '{parent}' too")
            key, dimension = entry.member.key, opened.dimension
            problems.append(error("GAI751", span(*entry.key_at), [help], key=key, parent=parent, dimension=dimension))
    return tuple(p.member for p in kept), problems
