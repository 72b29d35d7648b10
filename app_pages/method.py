"""How the grid decides: the questions, leans and weights as tables, and the rules in order."""

import pandas as pd
import streamlit as st

from app_pages import ui
from grid.options import COST_BANDS, FILTERS, MATERIAL_USD, NEGLIGIBLE_USD

q = ui.questionnaire()
m = q.method
t = round(m.open_threshold)

st.title("Method")
st.markdown(
    f"""
The grid answers in one pass: **options → costs → axes → decision → deployment → explanation**. Everything
below is read from `data/questionnaire.yaml` (version {q.version}), the catalog and `data/costs.yaml`, and
from the rules in `grid/options.py`; change them and this page changes with them.

1. **Options.** An option is a model bought from a seller: a closed model through its vendor's API, a
   closed model through your own cloud's endpoint (Bedrock, Azure AI Foundry, Vertex AI), open weights
   rented from a seller, open weights self-hosted, or a hybrid router. Your answers rule options out
   before anything is compared (the table *What rules an option out*). A forbidden option is shown with
   the answer that forbids it, never priced as a contender. Retired models never count.
2. **Costs.** Each allowed option is priced with the cheapest catalogued row whose model reaches the tier
   your tasks need (routine → efficient or better, mixed → strong, frontier → frontier). Where none does,
   the best available is priced and the result says so. Self-hosted throughput from offline maximum-load
   benchmarks is multiplied by the derate in `data/costs.yaml`.
3. **Leans.** Every scored option leans between strongly closed (−2) and strongly open (+2). An axis's lean
   is the weighted mean of its answers, scaled to −100 … +100; the overall lean is the weighted mean of the
   answered axes. The **cost axis** takes its lean from the cost comparison (the table *Cost comparison*),
   counted with weight {m.cost_comparison_weight:g}. Volume and traffic shape are not scored by themselves:
   they feed the cost model, so each answer counts once.
4. **The axes' call.** An overall lean of +{t} or more calls *open*; −{t} or less calls *closed*; anything
   between calls *hybrid*.
5. **The checklist.** Its items are read in order, and the first item **you confirmed** as a firm *yes*
   decides (softened to *hybrid* when the axes pull strongly the other way). Items you leave alone show
   the answer suggested from your other answers, marked so; a suggestion never decides, because the
   answers behind it already count on the axes. Two yeses that pull opposite ways are reported as a
   conflict, with what settles it.
6. **Hard constraints and the allowed options.** An air-gapped deployment can only be open weights. The
   call must be something your answers allow: with no closed option allowed it is open; with no open
   option allowed it is closed; a hybrid needs both.
7. **Deployment.** Within the call, the cheapest allowed option is chosen (for open: rented or
   self-hosted; for closed: the vendor's API or your cloud's endpoint), unless an answer requires
   another, and the result says why with both monthly figures. Options are compared like for like: one
   whose model reaches the tier your tasks need comes before a cheaper one whose model does not, and
   the table says so where that happens. With no platform team, open weights are rented when renting
   is allowed. A hybrid without a platform team is bought as managed endpoints behind one gateway, not
   a self-run router. Whenever the chosen option is not the cheapest allowed one, the reason gives both
   monthly figures.

**Confidence** is *low* while any scored question is unanswered; *high* when everything is answered,
the checklist agrees with the axes, and the overall lean is at least {round(m.clear_margin)} points clear
of the line that would change the axes' call; *medium* otherwise. It is capped at *medium* when the chosen
option costs more than three times the cheapest allowed one with no constraint forcing it, when no
allowed model meets a hard need (the frontier tier, image input), or when two checklist answers conflict.

**What would change this** lists every single change (one answer, your cloud, your data region, your
company's domicile, or one
confirmed checklist answer) that gives a different call or deployment, with what that would cost.

**Why results move the right way.** Moving an answer toward open never makes the call more closed, with
one exception that the result always shows: when the move makes the closed side relatively cheaper at your
volume (for example easier tasks let a cheap small closed model qualify), the cost comparison wins. The
test suite checks both on random answer sets with the checklist left to its suggestions.
"""
)

st.header("What rules an option out")
st.dataframe(
    pd.DataFrame(
        [
            {"Rule": f.describe, "Question": f.question, "Applies to": "hosted options (sellers)" if f.scope == "seller" else "every option (models)"}
            for f in FILTERS
        ]
    ),
    hide_index=True,
)

st.header("Cost comparison → cost lean")
bands = [(f"cheapest closed ÷ cheapest open ≥ {b:g}", lean) for b, lean in COST_BANDS]
bands.append((f"between 1/{COST_BANDS[-1][0]:g} and {COST_BANDS[-1][0]:g}", "neutral (the dead band)"))
bands += [(f"≤ 1/{b:g}", lean.replace("open", "closed")) for b, lean in reversed(COST_BANDS)]
st.dataframe(pd.DataFrame(bands, columns=["Ratio at your volume", "Cost lean"]), hide_index=True)
st.caption(
    f"A monthly difference under ${NEGLIGIBLE_USD:,.0f} gives no lean, and under ${MATERIAL_USD:,.0f} at most a slight one: "
    "costs that close are not a reason. With no allowed option on one side, the cost axis is left out."
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
    pd.DataFrame([{"Constraint": c.id, "At least": c.floor if c.floor != "closed" else "no floor (it rules options out)", "Why": c.text} for c in q.constraints]),
    hide_index=True,
)

st.header("Open-weight deployment")
st.markdown(
    "An open call takes the **cheaper allowed** of rented and self-hosted, and is **self-hosted whatever the cost** when any of these holds:"
)
for rule in q.open_deployment.self_hosted_required_when:
    st.markdown("- " + " and ".join(f"`{k}` is {' or '.join(f'`{x}`' for x in v)}" for k, v in rule.items()))

st.header("Lean values")
st.dataframe(pd.DataFrame([{"Lean": k, "Value": v} for k, v in q.leans.items()]), hide_index=True)
