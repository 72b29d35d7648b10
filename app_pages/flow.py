"""The guided flow: starting profile → one step per axis → context → checklist → result.

The Assess page runs ``main()``. Its code lives in this module, imported once per process, so a
rerun executes it without compiling the page's source again."""

import streamlit as st

from app_pages import ui
from grid.engine import suggest_checklist

#: The result's tabs, in order; only the open one is drawn.
RESULT_TABS = ("Reasons", "Options and costs", "Checklist", "Constraints", "What would change this", "Shortlist", "Answers", "Share and export")


def main() -> None:
    ui.init_state()
    q = ui.questionnaire()
    ss = st.session_state

    if ss.get("step", "start") == "start":
        st.title("Open / closed LLM decision grid")
        st.caption(
            "Should this workload run on open weights (self-hosted or rented), on a closed model behind a "
            "vendor's API, or on a hybrid router between the two? Answer what you know; skip what you don't."
        )
    else:  # every other step keeps the first screen for its own content
        st.caption("Open / closed LLM decision grid")

    with st.sidebar:
        st.radio(
            "Step",
            ui.STEPS,
            key="step",
            format_func=lambda s: ui.STEP_TITLE[s],
            help="Jump to any step; your answers are kept.",
        )

    ui.progress()
    step = ss["step"]
    if step != "start" and ui.pending_profile():
        pid = ui.pending_profile()
        st.info(
            f"You chose the profile “{ui.profiles()[pid].name}” on the Start step, but its answers are not loaded.",
            icon=":material/info:",
        )
        st.button("Load the profile's answers", key="load_pending_profile", on_click=ui.load_profile, args=(pid,), help="Replaces your current answers with the profile's")
    index = ui.STEPS.index(step)


    def nav_buttons() -> None:
        back, _, forward = st.columns([1, 4, 1])
        if index > 0:
            back.button(
                f"← {ui.STEP_TITLE[ui.STEPS[index - 1]]}",
                key="nav_back",
                on_click=ui.go_to,
                args=(ui.STEPS[index - 1],),
                help="Previous step",
            )
        if index < len(ui.STEPS) - 1:
            starting = step == "start"
            forward.button(
                f"{ui.STEP_TITLE[ui.STEPS[index + 1]]} →",
                key="nav_next",
                type="primary",
                on_click=ui.leave_start if starting else ui.go_to,
                args=() if starting else (ui.STEPS[index + 1],),
                help="Next step" + (" (loads the profile you chose)" if starting and ui.pending_profile() else ""),
            )


    if step == "start":
        st.header("Start")
        st.markdown(
            "Pick the usage profile closest to your workload to pre-fill every answer, then adjust "
            "what differs. Or start from a blank sheet."
        )
        profiles = ui.profiles()
        choice = st.selectbox(
            "Starting profile",
            list(profiles),
            index=None,
            key="start_profile",
            format_func=lambda pid: profiles[pid].name,
            placeholder="Choose a profile…",
            help="A profile fills in every answer; you can change any of them afterwards.",
        )
        if choice:
            p = profiles[choice]
            st.info(p.description)
            st.caption(f"Expected result for this profile: {p.expected.recommendation} ({' or '.join(p.expected.deployment)}).")
        has_answers = bool(ui.answers())
        if has_answers:
            st.caption("Starting from a profile or a blank sheet replaces the answers you have given so far.")
        c1, c2, _ = st.columns([1, 1, 3])
        c1.button(
            "Start from this profile",
            key="use_profile",
            type="primary",
            disabled=choice is None,
            on_click=ui.load_profile,
            args=(choice,),
            help="Fill in the answers from the chosen profile",
        )
        c2.button("Blank sheet", key="blank_sheet", on_click=ui.load_profile, args=(None,), help="Clear every answer")
        if ss.get("profile"):
            st.caption(f"Current answers started from the profile “{profiles[ss['profile']].name}”.")
        st.divider()
        from app_pages import share_ui

        share_ui.render_upload()

    elif step in ("cost", "control", "governance", "ecosystem", "performance", "context"):
        axis = q.axis_by_id[step]
        st.header(axis.label)
        st.markdown(axis.description)
        questions = [x for x in q.questions if x.axis == step]
        lean_words = {
            "strongly_closed": "leans strongly closed",
            "closed": "leans closed",
            "slightly_closed": "leans slightly closed",
            "neutral": "neutral",
            "slightly_open": "leans slightly open",
            "open": "leans open",
            "strongly_open": "leans strongly open",
        }
        for question in questions:
            options = {o.id: o for o in question.options}
            st.radio(
                question.label,
                list(options),
                index=None,
                key=f"q_{question.id}",
                format_func=lambda oid, options=options: options[oid].label,
                captions=[lean_words.get(o.lean, "") if o.lean else "not scored" for o in question.options],
                help=question.help,
            )
        st.button(
            "Clear the answers on this step",
            key=f"clear_{step}",
            on_click=ui.clear_step,
            args=([x.id for x in questions],),
            help="Unanswered questions count as unknown and lower the confidence",
        )

    elif step == "costs":
        from app_pages import cost_ui

        st.header("Costs")
        st.markdown(
            "What each option costs a month at your volume, and where self-hosting breaks even. "
            "The models start from your shortlist; the GPU rates and footprints come from the catalog with their sources."
        )
        assessment = ui.current_assessment()
        cost_ui.render_inputs(assessment)
        cost_ui.render_figures(assessment)

    elif step == "checklist":
        st.header("Checklist")
        st.markdown(
            "Answer in order; the first firm **yes** stops the checklist and decides the call (hard "
            "constraints aside). Each answer is suggested from your questionnaire; confirm it or change it."
        )
        suggested = suggest_checklist(ui.answers(), q)
        overrides = ui.checklist_overrides()
        for item in q.checklist:
            key = f"c_{item.id}"
            if item.id not in overrides:
                ss[key] = suggested[item.id] or "unsure"
            hint = (
                f"Suggested from your answers: {ui.CHECKLIST_LABEL[suggested[item.id]]}."
                if suggested[item.id]
                else "No suggestion from your answers."
            )
            if item.id in overrides:
                hint += " You set this answer yourself."
            st.radio(
                item.question,
                ["yes", "no", "unsure"],
                key=key,
                horizontal=True,
                format_func=ui.CHECKLIST_LABEL.get,
                on_change=ui.mark_override,
                args=(item.id,),
                help=f"{item.help} {item.explain}",
            )
            st.caption(hint)
        st.button(
            "Reset to the suggested answers",
            key="reset_checklist",
            on_click=ui.reset_checklist,
            help="Forget the checklist answers you set yourself",
        )

    else:  # result
        from app_pages import cost_ui

        st.header("Result")
        assessment = ui.current_assessment()
        ui.render_summary(assessment)
        from app_pages import since_ui

        since_ui.render_since(assessment)  # an assessment made with an older catalog: what changed since
        # Only the open tab is drawn: a tab change reruns the page (fast, the assessment is cached),
        # and every rerun skips the seven tabs nobody is looking at.
        labels = list(RESULT_TABS)
        tabs = dict(zip(labels, st.tabs(labels, key="result_tab", on_change="rerun")))
        if tabs["Reasons"].open:
            with tabs["Reasons"]:
                ui.render_result(assessment.result)
        if tabs["Options and costs"].open:
            with tabs["Options and costs"]:
                st.markdown("#### Options and their cost at your volume")
                cost_ui.render_figures(assessment, with_chart=False)
                st.button("Change the cost inputs", key="to_costs", on_click=ui.go_to, args=("costs",), help="Go to the Costs step")
        if tabs["Checklist"].open:
            with tabs["Checklist"]:
                ui.render_checklist(assessment.result)
        if tabs["Constraints"].open:
            with tabs["Constraints"]:
                ui.render_constraints(assessment)
        if tabs["What would change this"].open:
            with tabs["What would change this"]:
                ui.render_flips(assessment.result)
        if tabs["Shortlist"].open:
            with tabs["Shortlist"]:
                ui.render_shortlist(assessment.shortlist, assessment.result.deployment)
        if tabs["Answers"].open:
            with tabs["Answers"]:
                ui.render_answers(assessment.result)
        if tabs["Share and export"].open:
            with tabs["Share and export"]:
                from app_pages import share_ui

                share_ui.render_share(assessment)

    st.divider()
    nav_buttons()
    from app_pages import cost_ui as _cost_ui

    _cost_ui.preload_chart_code()  # plotly's browser code, loaded before the Costs step needs it
    if ss.get("_shown_step") != step:  # a new step opens at the top, not where the last one was scrolled to
        if ss.get("_shown_step") is not None:
            ui.scroll_to_top(step)
        ss["_shown_step"] = step
