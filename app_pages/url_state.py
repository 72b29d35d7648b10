"""URL ↔ session state: the single sync point. The URL holds the whole assessment; the session
holds the widgets' values; ``sync_url`` reads a link once per session and writes the state back on
every run. Also the assessment of the current state, computed once per input set."""

from __future__ import annotations

from datetime import date
import functools
import gc
import threading
from typing import Optional

import streamlit as st

from app_pages import link_guard
from app_pages.md import md_escape
from grid.answers import AnswerFile
from grid.assessment import Assessment, assess
from grid.catalog import Catalog, load_catalog
from grid.cost import CostInputs, load_cost_data
from grid.links import read_link, to_params
from grid.profiles import Profile, load_profiles
from grid.questionnaire import Questionnaire, load_questionnaire

OVERRIDES = "checklist_overrides"
CHECKLIST_LABEL = {"yes": "Yes", "no": "No", "unsure": "Unsure"}
TEXT_KEYS = ("title", "notes", "revisit")
FIXED_STEPS_BEFORE = ("start",)
FIXED_STEPS_AFTER = ("costs", "checklist", "result")


def questionnaire() -> Questionnaire:
    return load_questionnaire()  # validated once per process (lru_cache in the core)


def profiles() -> dict[str, Profile]:
    return load_profiles()


def catalog() -> Catalog:
    return load_catalog()  # read and validated once per process (lru_cache in the core)


def steps() -> list[str]:
    """Start, one step per axis that has questions (in the questionnaire's order), then costs,
    checklist and result: derived from the questionnaire, never written out by hand."""
    q = questionnaire()
    axes = [a.id for a in q.axes if any(x.axis == a.id for x in q.questions)]
    return [*FIXED_STEPS_BEFORE, *axes, *FIXED_STEPS_AFTER]


def step_titles() -> dict[str, str]:
    q = questionnaire()
    titles = {"start": "Start", "costs": "Costs", "checklist": "Checklist", "result": "Result"}
    titles.update({a.id: a.step_title or a.label for a in q.axes})
    return titles


def today() -> date:
    return date.today()


RUN_MEMO = "_run_memo"
START_PROFILE = "start_profile"  # the Start step's profile selectbox


def init_state() -> None:
    """Set defaults once, and keep every answer alive while its widget is not on screen.

    Streamlit drops a widget's state when the widget is not rendered in a run; re-assigning the
    keys at the top of each run keeps answers from steps the user is not looking at. Runs once per
    script run (the pages call it too, for when they run on their own); ``end_run`` closes the run.
    """
    ss = st.session_state
    if RUN_MEMO in ss:
        return
    ss[RUN_MEMO] = {}  # what this run has read from the session, read once (see ``_once``)
    ss.setdefault("step", "start")
    ss.setdefault(OVERRIDES, {})
    ss.setdefault("profile", None)
    # the step, so that it survives a visit to another page; the profile chosen on the Start step,
    # so that a jump to another step keeps offering to load it (and the Start step still shows it)
    for key in (*input_keys(), "step", START_PROFILE):
        if key in ss:
            ss[key] = ss[key]


def end_run(view: str = "") -> None:
    """Forget this run's reads. Callbacks run before the next script run, and they must read the
    session afresh; so must the next run. The first run of each view also freezes what the
    process has built so far (see ``freeze_once``)."""
    st.session_state.pop(RUN_MEMO, None)
    freeze_once(view)


_FROZEN_VIEWS: set[str] = set()
_FREEZE_LOCK = threading.Lock()


def freeze_once(view: str) -> None:
    """After the first run of each view (a page and its step), collect garbage once and move every
    object that survives into the collector's permanent generation (``gc.freeze``).

    Streamlit runs a full collection after every script run (``runner.postScriptGC``). In this
    process that walks about 140,000 long-lived objects (pandas, plotly's validators, the catalog)
    and took 200-300 ms each time, holding the interpreter lock while every other session waited.
    Frozen objects are not walked, so the collection after each run only sees what runs create.
    A view's first run builds its lasting objects (a page's imports, a chart type's validators);
    freezing after it, once per view, keeps them out of later collections. Garbage is collected
    before each freeze, so nothing collectable is frozen."""
    if view in _FROZEN_VIEWS:
        return
    with _FREEZE_LOCK:
        if view in _FROZEN_VIEWS:
            return
        gc.collect()
        gc.freeze()
        _FROZEN_VIEWS.add(view)


def _once(name: str, read):
    """The value of ``read()`` for the rest of this script run. Inside a run, the inputs change
    only through ``apply_state`` (which forgets the reads); widget callbacks run between runs,
    where nothing is remembered. Each session-state read costs a lock and a lookup, and a result
    page asked for the same answers a dozen times per run."""
    memo = st.session_state.get(RUN_MEMO)
    if memo is None:
        return read()
    if name not in memo:
        memo[name] = read()
    return memo[name]


#: One widget key per cost input, derived from the cost model's own fields.
COST_KEYS = tuple(f"cost_{name}" for name in CostInputs.model_fields)
INTEGER_COST_INPUTS = ("min_replicas", "gpus_per_replica")


def input_keys() -> list[str]:
    """Every widget key that holds part of the assessment (buttons excluded)."""
    q = questionnaire()
    return [f"q_{x.id}" for x in q.questions] + [f"c_{c.id}" for c in q.checklist] + list(COST_KEYS) + list(TEXT_KEYS)


def cost_inputs() -> CostInputs:
    """The cost inputs the user set (empty widgets mean: use the default)."""
    return _once("cost_inputs", _read_cost_inputs)


def _read_cost_inputs() -> CostInputs:
    values: dict = {}
    for key in COST_KEYS:
        v = st.session_state.get(key)
        if v is not None:
            name = key[len("cost_"):]
            values[name] = int(v) if name in INTEGER_COST_INPUTS else v
    try:
        return CostInputs(**values)
    except Exception:  # a widget's own limits make this unreachable; never lose the page over it
        return CostInputs()


TEXT_KEYS = ("title", "notes", "revisit")


def current_state() -> AnswerFile:
    """Everything the user entered, as one saved-assessment object (what links and files hold)."""
    return _once("current_state", _read_current_state)  # frozen: callers only read it


def _read_current_state() -> AnswerFile:
    ss = st.session_state
    costs = cost_inputs().nonempty()
    return AnswerFile(
        profile=ss.get("profile"),
        answers=answers(),
        checklist=checklist_overrides(),
        costs=costs,
        title=(ss.get("title") or "").strip(),
        notes=ss.get("notes") or "",
        revisit=ss.get("revisit"),
        catalog_date=assessment_catalog_date(),
        figures=recorded_figures(answers(), checklist_overrides(), costs),
    )


#: Session keys: the catalog date the assessment was made with (a date; UNKNOWN_DATE when its link
#: or file did not say; absent: a new assessment, made with today's catalog), and the figures a
#: saved file recorded, with the inputs they belong to.
CATALOG_DATE = "catalog_date"
UNKNOWN_DATE = "unknown"
RECORDED = "_recorded_figures"


def catalog_version() -> Optional[date]:
    from grid.changes import catalog_version as version

    return version()  # read once per process (lru_cache in the core)


def assessment_catalog_date() -> Optional[date]:
    value = st.session_state.get(CATALOG_DATE)
    if value == UNKNOWN_DATE:
        return None
    return value if isinstance(value, date) else catalog_version()


def recorded_figures(answers_: dict, checklist_: dict, costs: dict):  # -> Optional[Figures]
    """A loaded file's figures, while the inputs are still the ones they were recorded for."""
    held = st.session_state.get(RECORDED)
    if not held:
        return None
    key, figures = held
    return figures if key == (tuple(answers_.items()), tuple(checklist_.items()), tuple(sorted(costs.items()))) else None


def use_todays_catalog() -> None:
    """Callback: the assessment is now one made with today's catalog (the answers are kept)."""
    st.session_state.pop(CATALOG_DATE, None)
    st.session_state.pop(RECORDED, None)


def apply_state(state: AnswerFile) -> None:
    """Replace everything the user entered with a state from a link or a file."""
    ss = st.session_state
    if RUN_MEMO in ss:
        ss[RUN_MEMO] = {}
    q = questionnaire()
    for question in q.questions:
        ss[f"q_{question.id}"] = state.answers.get(question.id)
    ss[OVERRIDES] = dict(state.checklist)
    for item in q.checklist:
        ss.pop(f"c_{item.id}", None)
    for key in COST_KEYS:
        value = state.costs.get(key[len("cost_"):])
        if isinstance(value, (int, float)) and key[len("cost_"):] not in INTEGER_COST_INPUTS:
            value = float(value)
        ss[key] = value
    ss["title"] = state.title
    ss["notes"] = state.notes
    ss["revisit"] = state.revisit
    ss["profile"] = state.profile
    ss[START_PROFILE] = state.profile if state.profile in profiles() else None  # loaded: nothing pending
    ss[CATALOG_DATE] = state.catalog_date or UNKNOWN_DATE
    ss[RECORDED] = (
        ((tuple(state.answers.items()), tuple(state.checklist.items()), tuple(sorted(state.costs.items()))), state.figures) if state.figures is not None else None
    )


#: Pages whose address holds a query of their own (by URL path, ``StreamlitPage.url_path``), which
#: ``sync_url`` leaves alone.
OWN_QUERY_PAGES = ("compare",)


def sync_url(page_path: str = "") -> None:
    """The one sync point between the URL and the session: read the link when the session starts
    and whenever the URL is no longer the one this app last wrote (the browser's Back or Forward
    button, or an edited address), then write the current state back on every run. A link with
    more parameters than Streamlit passes on arrives whole through ``link_guard``."""
    if page_path in OWN_QUERY_PAGES:
        return  # e.g. the Compare page: its address holds its own links, never the Assess page's
    ss = st.session_state
    q = questionnaire()
    params = st.query_params.to_dict()
    moved = "_written" in ss and params != ss["_written"] and (params.get("v") is not None or link_guard.dropped(params))
    recheck = False
    if "_link_read" not in ss or moved:
        ss["_link_read"] = True
        if params:
            reading = link_guard.read_params(params, lambda query: read_link(query, q, profiles(), catalog(), load_cost_data(), steps=steps()))
            ss["_link_messages"] = reading.messages()
            ss["_link_refused"] = bool(reading.refused)
            if not reading.refused:
                apply_state(reading.state)
                if reading.step:
                    ss["step"] = reading.step
        else:
            recheck = link_guard.recheck_first_visit(params)  # then the browser keeps its address this run
    step = ss.get("step")
    written = to_params(current_state(), q, profiles(), step=step if step and step != "start" else None)
    ss["_notes_left_out"] = written.notes_left_out
    ss["_written"] = dict(written.params)
    if params != written.params and not recheck:
        st.query_params.from_dict(written.params)


def dismiss_link_messages() -> None:
    st.session_state["_link_messages"] = []


def show_link_messages() -> None:
    messages = st.session_state.get("_link_messages") or []
    if not messages:
        return
    text = "\n".join(f"- {md_escape(m)}" for m in messages)
    if st.session_state.get("_link_refused"):
        st.error("**The link was refused; nothing you entered was changed.**\n\n" + text, icon=":material/link_off:")
    else:
        st.warning("**Parts of the link could not be used; everything else was loaded.**\n\n" + text, icon=":material/link:")
    st.button("Dismiss", key="dismiss_link", on_click=dismiss_link_messages, help="Hide this note")


def share_url() -> str:
    """The full share link of the current state, opening at the result."""
    from grid.report import share_link

    try:
        root = st.context.url
    except Exception:  # no browser behind this run (e.g. a test harness)
        root = None
    return share_link(current_state(), root)


def answers() -> dict[str, str]:
    """The current answers, question id -> option id, from the ``q_<id>`` widget keys."""
    return dict(_once("answers", _read_answers))


def _read_answers() -> dict[str, str]:
    ss = st.session_state
    out = {}
    for q in questionnaire().questions:
        value = ss.get(f"q_{q.id}")
        if value is not None:
            out[q.id] = value
    return out


def checklist_overrides() -> dict[str, str]:
    return dict(st.session_state.get(OVERRIDES, {}))


class _Unhashed:
    """Carries the cost inputs into the cache beside their key: equal to any other, so that only
    ``key`` (which holds the same inputs as a tuple) decides a hit."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, _Unhashed)

    def __hash__(self):
        return 0


def current_assessment() -> Assessment:
    costs = cost_inputs()
    key = (tuple(answers().items()), tuple(checklist_overrides().items()), tuple(sorted(costs.nonempty().items())), today())
    return _assessment(key, _Unhashed(costs))


@functools.lru_cache(maxsize=256)
def _assessment(key: tuple, _costs: "object") -> Assessment:
    """assess() is a pure function of the answers, checklist, costs and date (all in ``key``);
    reruns that change nothing else (a title typed, a PDF built) reuse its immutable result."""
    answers_, checklist_, _, day = key
    return assess(dict(answers_), dict(checklist_), _costs.value, today=day, questionnaire=questionnaire(), catalog=catalog())  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- callbacks on state
def go_to(step: str) -> None:
    st.session_state["step"] = step


def confirm_suggestions() -> None:
    """Confirm, in one click, every checklist answer that was only suggested from the other answers."""
    r = current_assessment().result
    confirmed = dict(checklist_overrides())
    for item, answer in r.checklist.suggested.items():
        if answer and item not in confirmed:
            confirmed[item] = answer
    st.session_state[OVERRIDES] = confirmed
    for item in questionnaire().checklist:
        st.session_state.pop(f"c_{item.id}", None)
