"""How the grid decides: the questions, leans and weights as tables, and the rules in order."""

import pandas as pd
import streamlit as st

from app_pages import ui

q = ui.questionnaire()
m = q.method
t = round(m.open_threshold)

st.title("Method")
st.markdown(
    f"""
The grid turns answers into a recommendation in four steps. Everything below is read from
`data/questionnaire.yaml` (version {q.version}); change the data and this page changes with it.

1. **Leans.** Every option leans somewhere between strongly closed (−2) and strongly open (+2).
   An axis's lean is the weighted mean of its answered questions, scaled to −100 … +100.
   The overall lean is the weighted mean of the answered axes.
2. **The axes' call.** An overall lean of +{t} or more calls *open*; −{t} or less calls *closed*;
   anything between calls *hybrid*.
3. **The checklist.** Its items are read in order and the first firm *yes* stops it: that item's
   verdict becomes the call. When the axes pull strongly the other way, the verdict is softened
   to *hybrid* (see the table). Items you leave alone take the answer suggested by your questionnaire.
4. **Hard constraints.** Some answers set a floor under the call (closed < hybrid < open):
   an air-gapped deployment can only be open weights; data that must stay in your own cloud can never
   go to a closed API alone.

**Confidence** is *low* while any scored question is unanswered; *high* when everything is answered,
the checklist agrees with the axes, and the overall lean is at least {round(m.clear_margin)} points clear
of the line that would change the axes' call; *medium* otherwise.

**What would change this** lists every single change — one question's answer or one checklist answer —
that would give a different recommendation, with everything else held as it is.

**Why these results move the right way.** Each step only ever moves the call in the direction of
the answer: an answer that leans further open never makes the result more closed. The test suite
checks this on thousands of random answer sets.
"""
)

st.header("Axes")
st.dataframe(
    pd.DataFrame(
        [{"Axis": a.label, "Id": a.id, "Weight": a.weight, "What it covers": a.description} for a in q.axes]
    ),
    hide_index=True,
)

st.header("Questions, options and leans")
rows = []
for question in q.questions:
    for o in question.options:
        rows.append(
            {
                "Axis": q.axis_by_id[question.axis].label,
                "Question": question.label,
                "Question id": question.id,
                "Weight": question.weight if question.scored else None,
                "Option": o.label,
                "Option id": o.id,
                "Lean": o.lean or "not scored",
                "Value": q.leans[o.lean] if o.lean else None,
                "Constraint": o.constraint or "",
                "Reason shown": o.reason or "",
            }
        )
st.dataframe(pd.DataFrame(rows), hide_index=True)

st.header("Checklist")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Order": i,
                "Item": c.question,
                "Id": c.id,
                "Yes means": c.verdict,
                "Softened to hybrid when the overall lean is": (
                    ""
                    if c.soften is None
                    else (
                        f"≥ {c.soften.when_overall_at_least:+.0f}"
                        if c.soften.when_overall_at_least is not None
                        else f"≤ {c.soften.when_overall_at_most:+.0f}"
                    )
                ),
                "Suggested yes when": " or ".join(
                    " and ".join(f"{k} is {'/'.join(v)}" for k, v in rule.items()) for rule in c.suggest.get("yes", [])
                ),
                "Suggested no when": " or ".join(
                    " and ".join(f"{k} is {'/'.join(v)}" for k, v in rule.items()) for rule in c.suggest.get("no", [])
                ),
            }
            for i, c in enumerate(q.checklist, 1)
        ]
    ),
    hide_index=True,
)

st.header("Hard constraints")
st.dataframe(
    pd.DataFrame([{"Constraint": c.id, "At least": c.floor, "Why": c.text} for c in q.constraints]),
    hide_index=True,
)

st.header("Open-weight deployment")
st.markdown(
    "An open call is **self-hosted** when any of these holds, and **rented from an inference provider** otherwise:"
)
for rule in q.open_deployment.self_hosted_when:
    st.markdown("- " + " and ".join(f"`{k}` is {' or '.join(f'`{x}`' for x in v)}" for k, v in rule.items()))

st.header("Lean values")
st.dataframe(pd.DataFrame([{"Lean": k, "Value": v} for k, v in q.leans.items()]), hide_index=True)
