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


def assert_reads_as_prose(text, where, catalog_ids=True):
    """What a reader sees has no snake_case id, no catalogue id with a name of its own (when
    ``catalog_ids``), no long integer, no raw or imprecise price, no zero contribution, no '1 points'
    and no '→ None'. Links are left out: they carry ids by design."""
    import re

    from grid.catalog import load_catalog
    from grid.cost import load_cost_data

    prose = re.sub(r"<?https?://\S+", " ", text)
    prose = " ".join(w for w in prose.split() if not any(c in w for c in "=&%"))  # a share link, wrapped over lines
    ids = sorted(set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", prose)))
    assert ids == [], (where, ids)
    if catalog_ids:
        names = {m.id: m.name for m in load_catalog().models} | {g.id: g.name for g in load_cost_data().gpus}
        raw = sorted(k for k, v in names.items() if k != v and re.search(rf"(?<![\w/.-]){re.escape(k)}(?![\w-])", prose))
        assert raw == [], (where, raw)
    assert not re.search(r"\d{1,3}(?:,\d{3}){2,}", prose), (where, re.findall(r".{40}\d{1,3}(?:,\d{3}){2,}.{20}", prose))
    assert not re.search(r"(?<![$\d.])\d+(?:\.\d+)? in /", prose), (where, re.findall(r".{30}\d+(?:\.\d+)? in /.{20}", prose))
    assert not re.search(r"\$\d+\.\d\b", prose), (where, "money at sensible precision: $0.20, not $0.2")
    assert "+0.0 toward" not in prose and "toward neutral" not in prose, where
    assert not re.search(r"(?<![\d.,])1 points\b", prose), where
    assert "→ None" not in prose, where
