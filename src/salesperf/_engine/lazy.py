"""A read-only sequence made the first time it is read (statement lines, credits)."""

from __future__ import annotations

import typing
from collections.abc import Iterator, Sequence

__all__ = ["Lazy"]

_T = typing.TypeVar("_T")


class Lazy(Sequence[_T]):
    """A read-only sequence made the first time it is read.

    Evaluation keeps compact rows; the `Line` and `Credit` values a reader asks for are made
    then, once, by `_make`, so that evaluating a large tenant costs what the arithmetic
    costs. (One object per sequence: a large evaluation keeps few objects alive.)
    """

    __slots__ = ("_length", "_made")

    def __init__(self, length: int) -> None:
        self._length = length
        self._made: tuple[_T, ...] | None = None

    def _make(self) -> tuple[_T, ...]:
        raise NotImplementedError

    def _items(self) -> tuple[_T, ...]:
        if self._made is None:
            self._made = self._make()
        return self._made

    @typing.overload
    def __getitem__(self, index: int) -> _T: ...

    @typing.overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        return self._items()[index]

    def __iter__(self) -> Iterator[_T]:
        return iter(self._items())

    def __len__(self) -> int:
        return self._length

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lazy):
            return self._items() == other._items()
        return isinstance(other, Sequence) and self._items() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self._items()))
