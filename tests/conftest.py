import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grid.profiles import load_profiles  # noqa: E402
from grid.questionnaire import REC_RANK, load_questionnaire  # noqa: E402

settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=150, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def q():
    return load_questionnaire()


@pytest.fixture(scope="session")
def profiles():
    return load_profiles()


def openness(q, question_id, option_id):
    """Order options from most closed to most open: by lean, then by the floor of any constraint."""
    opt = q.option(question_id, option_id)
    floor = REC_RANK[q.constraint_by_id[opt.constraint].floor] if opt.constraint else -1
    return (q.lean_value(question_id, option_id), floor)
