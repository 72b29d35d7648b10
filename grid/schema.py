"""Shared pieces for the strict pydantic models that validate the project's YAML data."""

from __future__ import annotations

from typing import Any

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base for every data model: unknown keys are refused, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _describe(loc: tuple[Any, ...], data: Any) -> str:
    """Turn a pydantic location into ``questions[3] (data_boundary).options[1] (air_gapped).lean``.

    List items are named by their ``id`` when the raw data has one, so that a message points at
    an entry a person can find in the file.
    """
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and 0 <= item < len(node):
                node = node[item]
                if isinstance(node, dict) and isinstance(node.get("id"), (str, int)):
                    label += f" ({node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def validation_problems(error: ValidationError, data: Any) -> list[str]:
    """Every problem in a pydantic ``ValidationError`` as one readable line each."""
    problems = []
    for err in error.errors(include_url=False):
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif err["type"] == "string_pattern_mismatch":
            pattern = str(err.get("ctx", {}).get("pattern", ""))
            if pattern.startswith("^https?://"):
                msg = f"not a web address: {err['input']!r} (it must start with http:// or https://)"
            else:
                msg = f"{err['input']!r} is not allowed here (lowercase letters, digits, dots and dashes)"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        problems.append(f"{_describe(loc, data)}: {msg}")
    return problems


def validate_as(model: type[M], data: Any, source: str, shape: str = "a mapping") -> M:
    """Validate raw YAML data with a strict model; raise ``InvalidData`` listing every problem."""
    from grid.errors import InvalidData

    if not isinstance(data, dict):
        raise InvalidData(source, [f"the top level must be {shape}"])
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InvalidData(source, validation_problems(e, data)) from None
