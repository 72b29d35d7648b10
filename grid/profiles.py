"""Usage profiles: named answer sets from the seed, each with the result it must give."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from grid.answers import check_answer_set, normalise_value
from grid.errors import InvalidData
from grid.questionnaire import Deployment, Recommendation, load_questionnaire
from grid.schema import Strict, validate_as
from grid.yamlio import read_data_file

PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"


class Expected(Strict):
    recommendation: Recommendation
    deployment: list[Deployment] = Field(min_length=1, description="Any of these deployments is right.")


class Profile(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str
    expected: Expected
    answers: dict[str, str]
    checklist: dict[str, str] = Field(default_factory=dict)

    @field_validator("answers", "checklist", mode="before")
    @classmethod
    def _yaml_booleans(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: (normalise_value(x) if isinstance(x, bool) else x) for k, x in v.items()}
        return v


def parse_profile(data: Any, source: str) -> Profile:
    profile = validate_as(Profile, data, source)
    _, _, problems = check_answer_set(profile.answers, profile.checklist, load_questionnaire())
    if problems:
        raise InvalidData(source, [p.message for p in problems])
    return profile


@lru_cache(maxsize=4)
def load_profiles(folder: str | Path = PROFILES_DIR) -> dict[str, Profile]:
    """All profiles in ``folder``, by id, in file-name order. Loaded once per process."""
    profiles: dict[str, Profile] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        profile = parse_profile(read_data_file(path), str(path))
        if profile.id in profiles:
            raise InvalidData(str(path), [f"profile id {profile.id!r} is used twice"])
        if profile.id != path.stem:
            raise InvalidData(str(path), [f"profile id {profile.id!r} must match the file name {path.stem!r}"])
        profiles[profile.id] = profile
    return profiles
