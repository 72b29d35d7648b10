"""Share links: round trips, tampered and random links, committed links, the length budget."""

import random
import string
from datetime import date
from urllib.parse import quote

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from grid.answers import AnswerFile
from grid.assessment import assess
from grid.catalog import load_catalog
from grid.cost import CostInputs, load_cost_data
from grid.links import MAX_QUERY_BYTES, encode_query, read_link, to_params
from grid.profiles import load_profiles
from grid.questionnaire import load_questionnaire
from tests.conftest import ROOT

Q = load_questionnaire()
P = load_profiles()
CAT = load_catalog()
DATA = load_cost_data()
STEPS = ["start", "cost", "control", "result"]
CLOSED = [m.id for m in CAT.models if m.weights == "closed" and m.best_price]
OPEN = [m.id for m in CAT.models if m.weights == "open" and (m.best_price or DATA.footprint(m.id))]


def read(query, **kw):
    return read_link(query, Q, P, CAT, DATA, steps=STEPS, **kw)


# text a person can type: no control characters (the reader strips them), no lone surrogates
typed = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=120)


@st.composite
def states(draw):
    profile = draw(st.sampled_from([None, *P]))
    answers = dict(P[profile].answers) if profile else {}
    for question in Q.questions:
        choice = draw(st.sampled_from(["keep", "clear", "set"]))
        if choice == "clear":
            answers.pop(question.id, None)
        elif choice == "set":
            answers[question.id] = draw(st.sampled_from([o.id for o in question.options]))
    checklist = draw(st.dictionaries(st.sampled_from([c.id for c in Q.checklist]), st.sampled_from(["yes", "no", "unsure"])))
    costs = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "tokens_per_day": st.floats(0, 1e12, allow_nan=False),
                "output_share": st.floats(0, 1),
                "engineers": st.floats(0, 1000),
                "min_replicas": st.integers(1, 10_000),
                "closed_model": st.sampled_from(CLOSED),
                "open_model": st.sampled_from(OPEN),
                "gpu": st.sampled_from([g.id for g in DATA.gpus]),
                "hybrid_open": st.sampled_from(["cheaper", "rented", "self_hosted"]),
            },
        )
    )
    title = draw(typed).strip()[:120]
    notes = draw(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=400))
    notes = "".join(ch for ch in notes if ch in "\t\n" or ord(ch) >= 32)
    revisit = draw(st.none() | st.dates(date.today(), date(2035, 12, 31)))
    catalog_date = draw(st.none() | st.dates(date(2000, 1, 1), date(9999, 12, 31)))  # the link's cd=YYYYMMDD
    return AnswerFile(profile=profile, answers=answers, checklist=checklist, costs=costs, title=title, notes=notes, revisit=revisit, catalog_date=catalog_date)


def canonical(s: AnswerFile) -> AnswerFile:
    order = {x.id: i for i, x in enumerate(Q.questions)}
    corder = {x.id: i for i, x in enumerate(Q.checklist)}
    costs = CostInputs(**s.costs).nonempty()
    return s.model_copy(
        update={
            "answers": dict(sorted(s.answers.items(), key=lambda kv: order[kv[0]])),
            "checklist": dict(sorted(s.checklist.items(), key=lambda kv: corder[kv[0]])),
            "costs": costs,
        }
    )


@given(states())
def test_round_trip_state_to_link_to_state(state):
    written = to_params(state, Q, P)
    assert not written.notes_left_out
    reading = read(written.query)
    assert reading.refused is None and reading.invalid == [] and reading.ignored == []
    assert canonical(reading.state) == canonical(state)
    # the same through the decoded mapping that Streamlit's query parameters hold
    assert canonical(read(dict(written.params)).state) == canonical(state)


def test_every_profile_is_a_short_link_that_restores_it():
    for pid, p in P.items():
        state = AnswerFile(profile=pid, answers=dict(p.answers), checklist=dict(p.checklist))
        written = to_params(state, Q, P)
        assert written.query == f"v=1&profile={pid}"
        assert read(written.query).state == state


def test_a_fully_answered_assessment_fits_in_800_characters():
    longest = {q.id: max((o.id for o in q.options), key=len) for q in Q.questions}
    state = AnswerFile(answers=longest, checklist={c.id: "unsure" for c in Q.checklist})
    query = to_params(state, Q, P, step="checklist").query
    assert len(query) <= 800, len(query)


def test_long_chinese_notes_are_compressed_and_still_fit():
    notes = ("这是评审委员会的备注：开放权重模型适合大批量任务。" * 80)[:2000]
    state = AnswerFile(answers={}, checklist={}, notes=notes, title="评审 — 标题 ≥ 1")
    written = to_params(state, Q, P)
    assert "notes_z" in written.params and len(written.query) <= MAX_QUERY_BYTES
    assert read(written.query).state.notes == notes


def test_notes_too_long_for_any_link_are_left_out_and_said():
    rnd = random.Random(1)

    def noise(n):  # 4-byte characters drawn from a million code points: incompressible
        return "".join(chr(rnd.randint(0x10000, 0x10FFFF)) for _ in range(n))

    longest = {q.id: max((o.id for o in q.options), key=len) for q in Q.questions}
    costs = {"tokens_per_day": 123456789.123, "output_share": 0.123456, "frontier_share": 0.654321, "engineers": 2.5, "engineer_yearly_usd": 187654.32, "gpu_hourly_usd": 3.14159, "throughput_tokens_per_s": 6095.37, "peak_factor": 2.75, "min_replicas": 3, "cached_input_share": 0.25, "batch_share": 0.1, "closed_model": "claude-opus-5-5", "open_model": "gpt-oss-120b", "gpu": "h100-80gb", "hybrid_open": "self_hosted"}
    state = AnswerFile(answers=longest, checklist={c.id: "unsure" for c in Q.checklist}, costs=costs, title=noise(120), notes=noise(2000))
    written = to_params(state, Q, P)
    assert len(written.query) <= MAX_QUERY_BYTES
    assert written.notes_left_out and "notes" not in written.params and "notes_z" not in written.params
    back = read(written.query).state
    assert back.answers == longest and back.title == state.title and back.notes == ""


MALFORMED = [
    ("unknown key", "v=1&colour=red&daily_tokens=unknown", ["Ignored unknown parameters: colour."], {"daily_tokens": "unknown"}),
    ("bad option", "daily_tokens=lots&traffic_shape=steady", ["Dropped daily_tokens=lots: not an option of daily_tokens"], {"traffic_shape": "steady"}),
    ("bad checklist", "mix=maybe", ["Dropped mix=maybe: a checklist answer is yes, no or unsure"], {}),
    ("bad profile", "profile=startup&modality=multimodal", ["Dropped profile=startup: no such profile"], {"modality": "multimodal"}),
    ("newer version", "v=7&modality=multimodal", ["This link says format version 7; it was read as version 1."], {"modality": "multimodal"}),
    ("negative volume", "tokens_per_day=-5", ["Dropped tokens_per_day=-5: input should be greater than or equal to 0"], {}),
    ("share over 1", "output_share=1.5", ["Dropped output_share=1.5: input should be less than or equal to 1"], {}),
    ("not a number", "engineers=two", ["Dropped engineers=two: input should be a valid number, unable to parse string as a number"], {}),
    ("unknown model", "closed_model=gpt-99", ["Dropped closed_model=gpt-99: not a closed model in the catalog"], {}),
    ("open model as closed", "closed_model=gpt-oss-120b", ["Dropped closed_model=gpt-oss-120b: not a closed model in the catalog"], {}),
    ("unknown gpu", "gpu=tpu", ["Dropped gpu=tpu: not a GPU in the cost data"], {}),
    ("bad date", "revisit=2026-02-30", ["Dropped revisit=2026-02-30: not a date (YYYY-MM-DD)"], {}),
    ("bad step", "step=admin", ["Dropped step=admin: no such step"], {}),
    ("broken compressed notes", "notes_z=%%%%", ["Dropped notes_z=%%%%: not valid compressed notes"], {}),
    ("title too long", "title=" + "x" * 130, ["Dropped title=" + "x" * 39 + "…: longer than 120 characters; cut to the first 120"], {}),
    ("markup in a key", "%3Cscript%3Ealert(1)%3C%2Fscript%3E=1", ["Ignored unknown parameters: <script>alert(1)</script>."], {}),
    ("control characters", "colour%00%1b=1", ["Ignored unknown parameters: colour??."], {}),
]


@pytest.mark.parametrize("name,query,messages,answers", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_link_warns_and_keeps_what_is_valid(name, query, messages, answers):
    reading = read(query)
    assert reading.refused is None
    for message in messages:
        assert message in reading.messages(), reading.messages()
    assert reading.state.answers == answers


def test_a_query_over_8_kb_is_refused_whole():
    query = "daily_tokens=unknown&title=" + "x" * MAX_QUERY_BYTES
    reading = read(query)
    assert reading.refused and "over the 8,192-byte limit" in reading.refused
    assert reading.state.answers == {}


def test_repeated_keys_keep_the_last_value():
    assert read("modality=text_only&modality=multimodal").state.answers == {"modality": "multimodal"}


def test_an_empty_value_clears_the_profiles_answer():
    state = read("profile=ship_fast&modality=").state
    assert "modality" not in state.answers and state.answers["daily_tokens"] == "1m_to_10m"


def test_renamed_question_ids_still_load():
    renamed = Q.model_copy(update={"renamed": {"volume_per_day": "daily_tokens"}})
    reading = read_link("volume_per_day=over_100m", renamed, P)
    assert reading.state.answers == {"daily_tokens": "over_100m"}


def test_ten_thousand_random_query_strings_never_raise():
    rnd = random.Random(20261121)
    keys = [q.id for q in Q.questions] + [c.id for c in Q.checklist] + ["v", "profile", "title", "notes", "notes_z", "revisit", "step", "tokens_per_day", "closed_model", "gpu", "", "&", "=", "%", "%ZZ", "%FF", "\x00"]
    alphabet = string.printable + "é通≥—%&=+#?\x00\x7f\ud800"
    for i in range(10_000):
        if i % 3 == 0:
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 300)))
        else:
            parts = []
            for _ in range(rnd.randint(0, 30)):
                k = rnd.choice(keys) if rnd.random() < 0.8 else "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
                v = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20)))
                parts.append(f"{quote(k, safe='%', errors='replace') if rnd.random() < 0.5 else k}={v}")
            text = "&".join(parts)
        reading = read(text)
        assert reading.state is not None
        reading.messages()


COMMITTED = yaml.safe_load((ROOT / "tests" / "links" / "v1.yaml").read_text())["links"]


@pytest.mark.parametrize("case", COMMITTED, ids=[c["name"] for c in COMMITTED])
def test_committed_links_still_give_their_results(case):
    reading = read(case["query"])
    assert reading.refused is None and reading.invalid == [] and reading.ignored == []
    s = reading.state
    a = assess(s.answers, s.checklist, CostInputs(**s.costs))
    e = case["expect"]
    assert (a.result.recommendation, a.result.deployment, a.result.checklist.stop) == (e["recommendation"], e["deployment"], e["checklist_stop"])
    assert len(s.answers) == e["answered"] and s.title == e["title"]


def test_encode_query_is_what_the_reader_reads():
    params = {"v": "1", "title": "a&b=c ≥ d", "daily_tokens": "unknown"}
    assert read(encode_query(params)).state.title == "a&b=c ≥ d"


# ---------------------------------------------------------------------- links with over 1,000 parameters
# Streamlit ignores a whole query with more than 1,000 parameters before the app runs: st.query_params
# is empty, the app took it for a bare visit and wrote a fresh link over the user's, without a word.
# The guard is imported here, before any app run, as a server's first session imports it (AppTest
# reads the query before the script imports the app; a server's first visits are covered by
# link_guard.recheck_first_visit, which the browser test exercises).
from app_pages import link_guard  # noqa: E402
def crowded(extra: int, junk: str = "x") -> str:
    return "v=1&profile=ship_fast&modality=text_only&" + "&".join([junk] * extra)


def test_a_link_with_thousands_of_parameters_loads_what_is_valid_and_says_how_many():
    reading = read(crowded(2997))  # 3,000 parameters; parse_qsl's field limit refused it as "ValueError" before
    assert reading.refused is None and reading.params == 3000
    assert reading.state.profile == "ship_fast" and reading.state.answers["modality"] == "text_only"
    assert reading.messages()[0] == (
        "This link has 3,000 parameters, far more than a link made by this app (54 at most); its valid parameters were loaded and the others ignored."
    )
    assert reading.messages()[1:] == ["Ignored unknown parameters: x."]


def test_a_crowded_link_over_the_byte_limit_is_refused_and_says_both_numbers():
    query = crowded(1497, "colour=red")
    reading = read(query)
    assert reading.state.answers == {} and reading.messages() == [
        f"This link has 1,500 parameters and is {len(query):,} bytes long, over the 8,192-byte limit; nothing was loaded from it."
    ]


def test_the_list_of_ignored_keys_is_bounded():
    reading = read("v=1&" + "&".join(f"k{i}" for i in range(1200)))
    assert reading.refused is None
    message = reading.messages()[-1]
    assert message == "Ignored unknown parameters: k0, k1, k2, k3, k4, k5, k6, k7, k8, k9 and 1,190 more."


def test_the_cli_reads_a_crowded_link_and_says_so():
    import io

    from grid.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(["recommend", "--link", crowded(1497), "--json"], out=out, err=err)
    assert code == 0 and '"recommendation": "closed"' in out.getvalue()
    assert "grid: link: This link has 1,500 parameters, far more than a link made by this app" in err.getvalue()


def test_streamlits_query_filter_is_wrapped_so_a_crowded_link_reaches_the_app():
    from streamlit.runtime import app_session
    from streamlit.runtime.state import query_params

    assert link_guard.INSTALLED
    for module in (app_session, query_params):
        sanitize = module.sanitize_query_string
        assert getattr(sanitize, "grid_link_guard", False), module.__name__
        query = crowded(997)  # 1,000 parameters: Streamlit passes it on
        assert sanitize(query) == query
        query = crowded(998)  # 1,001: Streamlit drops it (the fact this guard exists for) ...
        assert sanitize.__wrapped__(query) == ""
        assert sanitize(query) == encode_query({link_guard.RAW: query})  # ... and the app gets it whole
        huge = crowded(3000, "colour=red")  # over the link budget: only its size comes through
        assert sanitize(huge) == encode_query({link_guard.DROPPED: f"{len(huge)},3003"})


def app_with_query(query: str):
    from urllib.parse import parse_qs

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, values in parse_qs(query, keep_blank_values=True).items():
        at.query_params[key] = values if len(values) > 1 else values[0]
    return at.run()


def test_the_app_loads_a_link_with_1200_parameters_and_says_how_many_it_had():
    at = app_with_query(crowded(1197))
    assert not at.exception
    assert at.session_state["profile"] == "ship_fast" and at.session_state["q_modality"] == "text_only"
    warning = at.warning[0].value
    assert "This link has 1,200 parameters, far more than a link made by this app" in warning
    assert "Ignored unknown parameters: x\\." in warning  # Markdown-escaped
    assert at.query_params["profile"] in ("ship_fast", ["ship_fast"])  # the address now holds the app's own link
    assert not any(key.startswith("_grid") for key in at.query_params)


def test_the_app_refuses_a_crowded_link_over_the_byte_limit_and_changes_nothing():
    query = crowded(1997, "colour=red")
    at = app_with_query(query)
    assert not at.exception and not at.warning
    error = at.error[0].value
    assert "The link was refused" in error and "nothing you entered was changed" in error
    assert f"This link has 2,000 parameters and is {len(query):,} bytes long" in error
    assert at.session_state["profile"] is None and "q_modality" not in at.session_state  # nothing from the link was loaded


def test_the_first_visit_check_is_allowed_by_the_content_security_policy():
    import base64
    import hashlib
    import re

    from bench import replicas

    script = re.search(r"<script>(.*?)</script>", link_guard.RECHECK_HTML, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in replicas.inline_script_hashes()
