"""The result's rendering: the first-screen summary and the tabs below it."""

from __future__ import annotations

import functools

import plotly.graph_objects as go
import streamlit as st

from app_pages.md import md_escape, md_table, md_url
from app_pages.url_state import CHECKLIST_LABEL, catalog, checklist_overrides, confirm_suggestions, go_to, questionnaire, today
from grid.assessment import Assessment
from grid.engine import REC_LABEL, Result
from grid.prose import answer_words, deployment_title, lead_reasons, option_phrase, points_words
from grid.questionnaire import AXIS_IDS
from grid.shortlist import Shortlist


def radar(result: Result) -> go.Figure:
    return radar_figure(tuple(result.axes[a] for a in AXIS_IDS))


@functools.lru_cache(maxsize=512)
def radar_figure(axes: tuple) -> go.Figure:
    """The radar for one set of axis leans. Cached: plotly validates a polar layout slowly, and
    most reruns of the result page (a title typed, a PDF built) leave the axes unchanged.
    Callers only read the figure."""
    q = questionnaire()
    by_axis = dict(zip(AXIS_IDS, axes))
    labels = [q.axis_by_id[a].short for a in AXIS_IDS]
    values = [by_axis[a] if by_axis[a] is not None else 0 for a in AXIS_IDS]
    hover = [
        f"{q.axis_by_id[a].label}: {'not answered' if by_axis[a] is None else f'{by_axis[a]:+d}'}"
        for a in AXIS_IDS
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[0] * (len(labels) + 1),
            theta=labels + labels[:1],
            mode="lines",
            line={"color": "#888", "dash": "dot"},
            name="Even (0)",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=values + values[:1],
            theta=labels + labels[:1],
            fill="toself",
            name="Your lean",
            text=hover + hover[:1],
            hoverinfo="text",
            line={"color": "#1f6feb"},
        )
    )
    # The radial axis runs between two spokes, not beside one: the first axis's spoke points right
    # (0°) and the next is one gap on, counterclockwise. Three quarters of the way along that gap,
    # with the labels on its clockwise side, they have the wider part of the gap to themselves; a
    # tick angle equal to the axis angle keeps them level.
    gap = 360 / len(AXIS_IDS)
    angle = gap * 3 / 4
    fig.update_layout(
        polar={
            "radialaxis": {
                "range": [-100, 100],
                "tickvals": [-100, -50, 0, 50, 100],
                "ticktext": ["", "−50", "0", "+50", "+100"],
                "angle": angle,
                "tickangle": angle,
                "side": "clockwise",
            },
            "angularaxis": {"tickfont": {"size": 13}},
        },
        showlegend=True,
        margin={"l": 70, "r": 70, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.08},
        height=420,
        title={"text": "Lean per axis (centre: closed, edge: open)", "font": {"size": 14}},
        # Streamlit's client applies its own theme; the server-side copy of that theme is three
        # quarters of this figure's JSON, copied and serialised again on every rerun
        template=go.layout.Template(),
    )
    return fig


def seller_words(result: Result) -> str:
    """'Amazon Bedrock', 'your own GPUs', 'xAI API + Together AI' for the chosen deployment."""
    if not result.deployment_seller:
        return "—"
    cat = catalog()
    names = ["your own GPUs" if x == "self" else (cat.provider_by_id[x].name if x in cat.provider_by_id else x) for x in result.deployment_seller.split(" + ")]
    return " + ".join(names)


def best_alternative(a: Assessment):  # -> Optional[OptionCost]
    """The cheapest allowed, priced option other than the chosen one."""
    if a.costs is None:
        return None
    others = [o for o in a.costs.options() if o.allowed and o.monthly_usd is not None and o.option != a.result.deployment_option]
    return min(others, key=lambda o: o.monthly_usd) if others else None


def render_summary(a: Assessment) -> None:
    """The first screen: the call, the deployment and its seller, what it costs against the best
    allowed alternative, the confidence, what decided it and the strongest reasons its way, and the
    nearest flips."""
    from grid.options import money

    result = a.result
    st.subheader(result.headline)
    c1, c2, c3 = st.columns(3)
    c1.metric("Recommendation", REC_LABEL[result.recommendation])
    c2.metric("Deployment", deployment_title(result))
    c3.metric("Confidence", result.confidence.capitalize())
    line = f"**Bought from {md_escape(seller_words(result))}.**"
    if a.costs is not None and result.deployment_option:
        chosen = getattr(a.costs, result.deployment_option)
        alt = best_alternative(a)
        line += f" **Monthly cost:** {money(chosen.monthly_usd)} a month"
        if alt is not None:
            line += f", against {money(alt.monthly_usd)} for the best allowed alternative ({md_escape(option_phrase(alt.option, alt.label))})"
        line += "."
    st.markdown(line)
    st.caption(f"Overall lean {'—' if result.overall is None else f'{result.overall:+d}'}. {points_words(result.confidence_note)} Why this deployment: see the Reasons tab.")
    rest = ""
    if result.conflict:  # the first sentence on the first screen; what decides and how to settle it, below
        first, rest = first_sentence(result.conflict)
        st.warning(first, icon=":material/call_split:")
    left, right = st.columns(2)
    with left:
        st.markdown("**The three strongest reasons**")
        st.markdown(
            "\n".join(
                f"- {md_escape(x.question_label)} → {md_escape(x.answer_label)}" + (f" ({md_escape(x.tag)})" if x.tag else "")
                for x in lead_reasons(result, questionnaire())
            )
            or "No answer yet."
        )
    with right:
        st.markdown("**What would change it**")
        nearest = [f for f in result.flips if f.recommendation != result.recommendation and f.kind != "checklist"][:2] or result.flips[:2]
        st.markdown(
            "\n".join(f"- {md_escape(f.question_label)} → {md_escape(f.to_label)}: {md_escape(f.text or REC_LABEL[f.recommendation])}" for f in nearest)
            or "No single answer change alters it."
        )
    if rest:
        with st.expander("The two yeses in conflict: which decides, and how to settle it"):
            st.markdown(md_escape(rest))


def first_sentence(text: str) -> tuple[str, str]:
    """The first sentence of a text, and the rest (a sentence ends with '. ' after a closing
    bracket or quote too; never inside a quoted checklist question)."""
    import re

    m = re.search(r"(?<=[.)”])\s+(?=[A-Z“])", text)
    if m is None:
        return text, ""
    return text[: m.start()], text[m.end():]


def render_result(result: Result) -> None:
    """The details below the summary: reasons and how the call was made."""
    if result.deployment_reason.text:
        st.markdown(f"**Deployment.** {md_escape(result.deployment_reason.text)}")
    left, right = st.columns([1, 1])
    with left:
        st.plotly_chart(radar(result), key="radar_chart", config={"displayModeBar": False})
    with right:
        st.markdown("#### Why")
        driving = [r for r in result.reasons if r.contribution]
        shown = driving[:6] if len(driving) >= 3 else result.reasons[:3]
        shown += [r for r in result.reasons if r.kind == "cost" and r not in shown]
        st.markdown(
            "\n".join(
                f"- **{md_escape(r.question_label)}** → {md_escape(r.answer_label)}"
                + (f" ({r.contribution:+.1f} toward {r.direction})" if round(r.contribution, 1) else "")
                + f". {md_escape(r.text)}"
                for r in shown
            )
        )
    st.markdown("#### How the call was made")
    st.markdown("\n".join(f"{i}. {md_escape(step)}" for i, step in enumerate(result.path, 1)))
    if result.disagreement:
        st.warning(result.disagreement, icon=":material/warning:")


def render_answers(result: Result) -> None:
    st.markdown(
        md_table(
            ["Question", "Answer", "Points", "Reason"],
            [[r.question_label, r.answer_label, f"{r.contribution:+.1f}" if round(r.contribution, 1) else "0", r.text] for r in result.reasons],
        )
    )
    if result.unanswered:
        labels = ", ".join(questionnaire().question_by_id[x].label for x in result.unanswered)
        st.info(f"Unanswered ({len(result.unanswered)}): {labels}.", icon=":material/edit_note:")


def render_checklist(result: Result) -> None:
    q = questionnaire()
    if result.checklist.stop:
        item = q.checklist_by_id[result.checklist.stop]
        soft = f", softened to **{REC_LABEL[result.checklist.softened_to]}**" if result.checklist.softened_to else ""
        verdict = REC_LABEL[result.checklist.verdict] if result.checklist.verdict else "—"
        st.markdown(f"You confirmed **{md_escape(item.question)}** — yes → **{verdict}**{soft}.")
    else:
        st.markdown("You confirmed no item as a firm yes, so the axes decide. Suggested answers decide nothing until you confirm them.")
    st.markdown(
        md_table(
            ["Item", "Answer", "Source"],
            [
                [
                    item.question,
                    CHECKLIST_LABEL[result.checklist.answers[item.id]],
                    "your answer" if item.id in checklist_overrides() else ("suggested from your answers" if result.checklist.suggested.get(item.id) else "no suggestion"),
                ]
                for item in q.checklist
            ],
        )
    )
    pending = [i for i, ans in result.checklist.suggested.items() if ans and i not in checklist_overrides()]
    c1, c2 = st.columns(2)
    c1.button(
        f"Confirm the {len(pending)} suggested answer{'s' if len(pending) != 1 else ''}",
        key="confirm_suggestions",
        on_click=confirm_suggestions,
        disabled=not pending,
        help="Make every suggested answer your own, so that it counts as the checklist says",
    )
    c2.button("Change the checklist", key="to_checklist", on_click=go_to, args=("checklist",), help="Go to the Checklist step")


def render_constraints(a: Assessment) -> None:
    from grid.assessment import lifecycle_warnings

    result = a.result
    q = questionnaire()
    for c in result.constraints:
        st.info(f"**Hard constraint — {md_escape(answer_words(q, c.question, c.answer))}.** {md_escape(c.text)}", icon=":material/lock:")
    if a.costs is not None:
        ruled = [o for o in a.costs.options() if not o.allowed]
        if ruled:
            st.markdown("**Options your answers rule out**")
            st.markdown("\n".join(f"- {md_escape(o.label)}: {md_escape('; '.join(b.text for b in o.blocked_by) or o.detail)}" for o in ruled))
    for w in lifecycle_warnings(a, catalog(), a.revisit or today()):
        st.info(w, icon=":material/event_busy:")
    if not result.constraints and (a.costs is None or all(o.allowed for o in a.costs.options())):
        st.markdown("No answer of yours rules an option out.")


def render_flips(result: Result) -> None:
    if result.flips:
        st.markdown(
            md_table(
                ["If", "were", "the result would be", "kind"],
                [[f.question_label, f.to_label, f.text or REC_LABEL[f.recommendation], f.kind] for f in result.flips],
            )
        )
    else:
        st.markdown("No single answer change flips this recommendation.")


ROLE_TITLE = {
    "primary": "Candidate models",
    "volume": "Volume side: open-weight models for the routine majority (the costs may price a small closed model instead)",
    "frontier": "Frontier side: closed models for the hard share",
}


def render_shortlist(sl: Shortlist, deployment: str = "") -> None:
    st.markdown("#### Shortlist")
    st.caption(sl.scale_note + " Ranked by fit to the tier your tasks need, verified facts, then price.")
    if deployment == "self_hosted":
        st.caption(
            "Self-hosted: the prices shown are what renting the same weights costs per token, as a reference; "
            "your own cost is GPUs and staff."
        )
    cat = catalog()
    if cat.problems:
        st.warning(
            f"The catalog has {len(cat.problems)} problem(s); only its valid entries are used. See the Catalog page.",
            icon=":material/warning:",
        )
    for role in ("primary", "volume", "frontier"):
        group = [c for c in sl.candidates if c.role == role]
        if not group:
            continue
        st.markdown(f"**{ROLE_TITLE[role]}**")
        rows = []
        for c in group:
            terms = cat.license_by_id[c.license].name if c.license else cat.provider_by_id[c.provider].name
            price = c.price
            rows.append(
                "| "
                + " | ".join(
                    [
                        md_escape(c.name),
                        md_escape(terms),
                        c.tier,
                        f"${price.input_usd_per_mtok:,.2f}" if price else "—",
                        f"${price.output_usd_per_mtok:,.2f}" if price else "—",
                        f"[{md_escape(price.seller)}]({md_url(price.source)}), {price.checked}" if price else "no verified price",
                        "stale" if c.stale else "",
                    ]
                )
                + " |"
            )
        st.markdown(
            "| Model | Terms | Tier | Input $/M | Output $/M | Price from (source, checked) | Stale |\n|---|---|---|---|---|---|---|\n"
            + "\n".join(rows)
        )
        with st.expander("What each candidate's terms mean for you"):
            st.markdown(
                "\n\n".join(
                    f"**{md_escape(c.name)}**\n" + ("\n".join(f"- {md_escape(f)}" for f in c.flags) or "Nothing to flag.")
                    for c in group
                )
            )
    if sl.excluded:
        with st.expander(f"Excluded models ({len(sl.excluded)}) and why"):
            st.markdown(md_table(["Model", "Side", "Why it is excluded"], [[e.name, e.role, e.reason] for e in sl.excluded]))
