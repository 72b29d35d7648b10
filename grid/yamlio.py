"""Safe reading of YAML and JSON files, with errors that say where the problem is."""

from __future__ import annotations

import json
import reprlib
import sys
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from grid.errors import InvalidData

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64  # nesting levels; answer files and data files need fewer than ten
_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlevel = 2
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 4


def show(value: Any) -> str:
    """A bounded repr of user data for a message: never expands shared structures or huge values."""
    try:
        return _REPR.repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__}>"


def too_deep(mark: Any = None) -> str:
    """The problem of a value nested more than ``MAX_DEPTH`` levels deep, with its line if known."""
    line = f" (line {mark.line + 1})" if mark is not None else ""
    return f"nested more than {MAX_DEPTH} levels deep{line}"


def _prescan(text: str, source: str) -> None:
    """Read the parser's events once, before anything is built, and refuse two things there:

    - nesting deeper than ``MAX_DEPTH``, at the first container past it. Both YAML parsers (libyaml
      and PyYAML's own) spend time in proportion to the depth on every token of a flow collection:
      ``[[[[…]]]]`` 100,000 levels deep (200 KB) took half a minute to parse, and then crashed the
      composer. Stopping at the first event past the limit reads a few hundred bytes of it.
    - anchors and aliases, which make a small file stand for an enormous structure (a 'billion
      laughs').

    No file this project reads needs either."""
    depth = 0
    opening, closing = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, opening):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InvalidData(source, [too_deep(event.start_mark)])
            elif isinstance(event, closing):
                depth -= 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise InvalidData(source, [f"YAML anchors and aliases are not allowed (line {line}); write the values out"])
    except yaml.YAMLError:
        return  # reported, with its line, by the parser below


def check_structure(value: Any, source: str) -> None:
    """Refuse nesting deeper than ``MAX_DEPTH`` and text that is not valid Unicode (lone
    surrogates), which would fail later when the state is written into a link."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidData(source, [too_deep()])
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidData(source, ["text that is not valid Unicode (a lone surrogate such as \\ud800)"]) from None
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)


def parse_text(text: str, source: str, *, as_json: bool = False) -> Any:
    """Parse YAML (or JSON) text safely. Raises ``InvalidData`` naming the line where known: for
    malformed text, YAML anchors and aliases, nesting over ``MAX_DEPTH``, integers too long to
    convert, and text that is not valid Unicode."""
    try:
        data = _parse(text, source, as_json)
    except RecursionError:
        raise InvalidData(source, [too_deep()]) from None
    except ValueError as e:  # an integer over Python's 4,300-digit conversion limit, among others
        raise InvalidData(source, [f"a value that cannot be read ({str(e).splitlines()[0][:80]})"]) from None
    check_structure(data, source)
    return data


class _UniqueKeyLoader(_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a mapping that names the same key twice (YAML keeps the last one
    silently, so a typo'd file would lose an answer without a word)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                if key in seen:
                    raise InvalidData(
                        "", [f"key {show(key)} appears twice (lines {seen[key]} and {key_node.start_mark.line + 1})"]
                    )
                seen[key] = key_node.start_mark.line + 1
            except TypeError:  # an unhashable key: the constructor below reports it
                pass
        return super().construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:map", _UniqueKeyLoader.construct_yaml_map)


def _parse(text: str, source: str, as_json: bool) -> Any:
    if as_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidData(source, [f"not valid JSON at line {e.lineno}: {e.msg}"]) from None
    _prescan(text, source)
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except InvalidData as e:
        raise InvalidData(source, e.problems) from None
    except yaml.constructor.ConstructorError as e:
        where = f" at line {e.problem_mark.line + 1}" if e.problem_mark else ""
        raise InvalidData(
            source,
            [f"unsupported YAML tag{where} ({e.problem}); only plain YAML data is read"],
        ) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InvalidData(source, [f"not valid YAML{where}: {problem}"]) from None


def read_bounded(path: str | Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a file, or of standard input for ``-``. Reads ``limit + 1`` bytes
    and refuses the file if they all came, so a device or a pipe that never ends (``/dev/zero``)
    is refused as quickly as a large file."""
    source = str(path)
    if source == "-":
        return _read_limited(sys.stdin.buffer, limit, "standard input")
    p = Path(path)
    if p.is_dir():
        raise InvalidData(source, ["is a folder, not a file"])
    try:
        with p.open("rb") as f:
            return _read_limited(f, limit, source)
    except FileNotFoundError:
        raise InvalidData(source, ["file not found"]) from None
    except OSError as e:
        raise InvalidData(source, [f"cannot read the file ({e.strerror})"]) from None


def _read_limited(stream: BinaryIO, limit: int, source: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidData(source, [f"larger than {limit:,} bytes; nothing was read"])
    return data


def read_data_file(path: str | Path) -> Any:
    """Read a YAML or JSON file (JSON by its ``.json`` suffix; ``-`` reads standard input as YAML,
    which JSON is too). Raises ``InvalidData``."""
    source = str(path)
    raw = read_bounded(path, MAX_FILE_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidData(source, ["not UTF-8 text"]) from None
    return parse_text(text, source, as_json=source != "-" and Path(path).suffix.lower() == ".json")
