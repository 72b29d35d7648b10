"""Narrow exceptions raised by the core. The shells turn them into messages."""

from __future__ import annotations


class GridError(Exception):
    """Base class for every error the core raises on bad input."""


class InvalidData(GridError):
    """A data file (questionnaire, profile, catalog) does not match its schema.

    ``problems`` lists every problem found, each a one-line sentence that names where it is.
    """

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


class InvalidAnswers(GridError):
    """An answers file or an answer set names an unknown key or value.

    ``problems`` is a list of ``Problem`` (key, value, message); the first one is the headline.
    """

    def __init__(self, problems: list["Problem"]):
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


class Problem:
    """One thing wrong with an input: where (``key``), what was given (``value``) and why."""

    __slots__ = ("key", "value", "message")

    def __init__(self, key: str, value: object, message: str):
        self.key = key
        self.value = value
        self.message = message

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Problem({self.key!r}, {self.value!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.key, self.value, self.message) == (
            other.key,
            other.value,
            other.message,
        )


class InvalidComparison(GridError):
    """A comparison cannot be made: too few or too many assessments, or a page link that cannot be
    read. ``problems`` lists each one as a one-line sentence."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))
