"""Safe reading of YAML and JSON files, with errors that say where the problem is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from grid.errors import InvalidData

MAX_FILE_BYTES = 5 * 1024 * 1024


def parse_text(text: str, source: str, *, as_json: bool = False) -> Any:
    """Parse YAML (or JSON) text safely. Raises ``InvalidData`` naming the line where known."""
    if as_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidData(source, [f"not valid JSON at line {e.lineno}: {e.msg}"]) from None
    try:
        return yaml.safe_load(text)
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


def read_data_file(path: str | Path) -> Any:
    """Read a YAML or JSON file (JSON by its ``.json`` suffix). Raises ``InvalidData``."""
    p = Path(path)
    source = str(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InvalidData(source, ["file not found"]) from None
    except OSError as e:
        raise InvalidData(source, [f"cannot read the file ({e.strerror})"]) from None
    if p.is_dir():
        raise InvalidData(source, ["is a folder, not a file"])
    if size > MAX_FILE_BYTES:
        raise InvalidData(source, [f"file is {size} bytes; the limit is {MAX_FILE_BYTES}"])
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidData(source, ["not UTF-8 text"]) from None
    except OSError as e:
        raise InvalidData(source, [f"cannot read the file ({e.strerror})"]) from None
    return parse_text(text, source, as_json=p.suffix.lower() == ".json")
