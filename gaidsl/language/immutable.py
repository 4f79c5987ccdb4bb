"""Read-only mappings and ``Literal`` narrowing: how the IR (:mod:`gaidsl.language.ir`) is made deeply immutable
and its discriminators typed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")
_L = TypeVar("_L", bound=str)


class FrozenDict(dict[_K, _V]):
    """A dict that refuses every change: the IR's mappings, so that nothing edits a spec that caches (the samplers',
    the strategies' templates) hold by identity. A ``dict`` subclass rather than ``types.MappingProxyType`` so that
    lookups stay as fast as a dict's and a spec still pickles and deep-copies."""

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"the IR is immutable: {type(self).__name__} does not support item assignment or changes")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))


def frozen(mapping: Mapping[str, object]) -> FrozenDict[str, object]:
    """The converter of every IR mapping: a read-only copy (the lowering step's own dicts stay its own).

    Typed over ``object`` because mypy's attrs plugin cannot bind a generic converter; the fields keep their precise
    types for readers."""
    return mapping if isinstance(mapping, FrozenDict) else FrozenDict(mapping)


def narrow(value: str, allowed: tuple[_L, ...]) -> _L:
    """``value`` as one of the ``Literal`` values ``allowed`` (the parser's strings made IR discriminators)."""
    for option in allowed:
        if value == option:
            return option
    raise ValueError(f"{value!r} is not one of {allowed}")
