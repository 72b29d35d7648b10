"""The pages' shared pieces: the steps and their navigation, the callbacks, the progress bar.
The URL ↔ session sync lives in ``url_state``, the result's rendering in ``result_ui`` and the
Markdown helpers in ``md``; their names are re-exported here for the pages."""

from __future__ import annotations

from typing import Optional

import streamlit as st

from app_pages.md import md_escape, md_table, md_url
from app_pages.result_ui import (
    best_alternative,
    radar,
    render_answers,
    render_checklist,
    render_constraints,
    render_flips,
    render_result,
    render_shortlist,
    render_summary,
    seller_words,
)
from app_pages.url_state import (
    CHECKLIST_LABEL,
    COST_KEYS,
    confirm_suggestions,
    go_to,
    OVERRIDES,
    answers,
    apply_state,
    catalog,
    checklist_overrides,
    cost_inputs,
    current_assessment,
    current_state,
    end_run,
    init_state,
    profiles,
    questionnaire,
    share_url,
    show_link_messages,
    step_titles,
    steps,
    sync_url,
    today,
    use_todays_catalog,
)

STEPS = steps()
STEP_TITLE = step_titles()
__all__ = [  # the names the pages use through ``ui``, re-exported from the modules that define them
    "CHECKLIST_LABEL",
    "COST_KEYS",
    "OVERRIDES",
    "answers",
    "apply_state",
    "best_alternative",
    "catalog",
    "checklist_overrides",
    "confirm_suggestions",
    "cost_inputs",
    "current_assessment",
    "current_state",
    "go_to",
    "end_run",
    "init_state",
    "md_escape",
    "md_table",
    "md_url",
    "profiles",
    "questionnaire",
    "radar",
    "render_answers",
    "render_checklist",
    "render_constraints",
    "render_flips",
    "render_result",
    "render_shortlist",
    "render_summary",
    "seller_words",
    "share_url",
    "show_link_messages",
    "step_titles",
    "steps",
    "sync_url",
    "today",
]


# ----------------------------------------------------------------------------- callbacks
def load_profile(profile_id: Optional[str]) -> None:
    """Replace every answer with the profile's (or clear them all for a blank sheet)."""
    ss = st.session_state
    q = questionnaire()
    chosen = profiles().get(profile_id) if profile_id else None
    for question in q.questions:
        ss[f"q_{question.id}"] = chosen.answers.get(question.id) if chosen else None
    ss[OVERRIDES] = dict(chosen.checklist) if chosen else {}
    for item in q.checklist:
        ss.pop(f"c_{item.id}", None)
    ss["profile"] = chosen.id if chosen else None
    ss["start_profile"] = ss["profile"]  # the Start step shows what is loaded; nothing is pending
    ss["step"] = "cost"
    use_todays_catalog()  # a new assessment, made with today's catalog


SCROLL_JS = """<script>
// step {nonce}: scroll the app's main area (and the window) back to the top
const doc = window.parent.document;
for (const el of [doc.querySelector('[data-testid="stMain"]'), doc.querySelector('section.main'), doc.scrollingElement]) {{
  if (el) el.scrollTo({{top: 0, behavior: "instant"}});
}}
window.parent.scrollTo(0, 0);
</script>"""


def scroll_to_top(nonce: str) -> None:
    """Scroll the page to the top after a step change. The script is the project's own constant
    text (only the step id, one of the known steps, varies); nothing from a link or file reaches it."""
    import streamlit.components.v1 as components

    assert nonce in STEPS
    components.html(SCROLL_JS.format(nonce=nonce), height=0)


def pending_profile() -> Optional[str]:
    """A profile chosen on the Start step but not loaded yet."""
    ss = st.session_state
    chosen = ss.get("start_profile")
    return chosen if chosen and chosen != ss.get("profile") else None


def leave_start() -> None:
    """Next on the Start step: a profile chosen but not loaded is loaded, so the click does what it says."""
    chosen = pending_profile()
    if chosen:
        load_profile(chosen)
    else:
        go_to(STEPS[1])


def clear_step(question_ids: list[str]) -> None:
    for qid in question_ids:
        st.session_state[f"q_{qid}"] = None


def mark_override(item_id: str) -> None:
    st.session_state[OVERRIDES] = {**st.session_state.get(OVERRIDES, {}), item_id: st.session_state[f"c_{item_id}"]}


def reset_checklist() -> None:
    st.session_state[OVERRIDES] = {}
    for item in questionnaire().checklist:
        st.session_state.pop(f"c_{item.id}", None)


# ----------------------------------------------------------------------------- rendering
def progress() -> None:
    q = questionnaire()
    scored = [x.id for x in q.scored_questions]
    done = sum(1 for qid in scored if st.session_state.get(f"q_{qid}") is not None)
    overridden = len(checklist_overrides())
    st.progress(
        done / len(scored),
        text=f"{done} of {len(scored)} scored questions answered · {overridden} of {len(q.checklist)} checklist answers set by you",
    )


