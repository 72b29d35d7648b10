"""The Costs step: inputs (every one optional, empty = its default), the chart and the figures."""

from __future__ import annotations

import functools
import math
import re
import textwrap
from typing import Any, Optional

import plotly.graph_objects as go
import streamlit as st

from app_pages import ui
from app_pages.url_state import _Unhashed
from grid.assessment import Assessment, break_even_point, option_curves
from grid.cost import RANGE_MAX, RANGE_MIN, CostInputs, CostReport, load_cost_data
from grid.options import CLOSED_OPTIONS, OPTION_LABEL, money, tokens_short, value_text, volume_words
from grid.prose import assumption_rows, catalog_names, named
from grid.sensitivity import BREAK_EVEN, RANGES_TEXT, Sensitivity, compared, figure_text, input_text, money_ticks, sensitivity_for, table_rows, unmoved

# field, label, help, (min, max, step), format
NUMBER_INPUTS: list[tuple[str, str, str, tuple[float, float, float], str]] = [
    ("tokens_per_day", "Tokens a day (input + output)", "Pre-filled from your answer on daily volume; type your own figure to override it.", (0.0, 1e13, 1_000_000.0), "%.0f"),
    ("output_share", "Output share (0–1)", "The share of tokens that are output; output tokens cost several times more than input on most APIs.", (0.0, 1.0, 0.05), "%.2f"),
    ("frontier_share", "Hybrid: share to the closed model (0–1)", "The share of tokens the router sends to the closed frontier model.", (0.0, 1.0, 0.05), "%.2f"),
    ("engineers", "Engineers running self-hosted serving", "Production-grade serving takes about one to three engineers.", (0.0, 1000.0, 0.5), "%.1f"),
]
MORE_INPUTS: list[tuple[str, str, str, tuple[float, float, float], str]] = [
    ("engineer_yearly_usd", "Loaded yearly cost of one engineer (USD)", "Salary, benefits and overhead.", (0.0, 1e8, 10_000.0), "%.0f"),
    ("gpu_hourly_usd", "GPU hourly rate (USD per GPU-hour)", "Overrides the catalogued on-demand rate, e.g. with your reserved price.", (0.0001, 1000.0, 0.1), "%.2f"),
    ("throughput_tokens_per_s", "Throughput per replica (tokens/s)", "Aggregate tokens per second one replica serves under load; use your own measurement.", (0.001, 1e9, 100.0), "%.0f"),
    ("peak_factor", "Peak factor (peak ÷ average load)", "Self-hosted capacity is sized for the peak; the default follows your traffic shape.", (1.0, 100.0, 0.5), "%.1f"),
    ("min_replicas", "Minimum replicas", "Replicas kept running at the least, for redundancy.", (1, 10_000, 1), "%d"),
    ("cached_input_share", "Cached input share (0–1)", "The share of input tokens served from the API's prompt cache, at its cached price.", (0.0, 1.0, 0.05), "%.2f"),
    ("batch_share", "Batch share (0–1)", "The share of tokens sent through a batch endpoint, where the catalog lists a discount.", (0.0, 1.0, 0.05), "%.2f"),
    ("closed_price_in", "Negotiated closed price, input (USD per million tokens)", "Your contract's price with the vendor for the closed model priced through its API (the one you name, or the one the list prices pick); replaces that model's list price there, and nowhere else.", (0.0, 10_000.0, 0.1), "%.2f"),
    ("closed_price_out", "Negotiated closed price, output (USD per million tokens)", "Your contract's price for the closed model's output tokens.", (0.0, 10_000.0, 0.1), "%.2f"),
    ("gpus_per_replica", "GPUs per self-hosted replica", "Overrides the serving footprint; fewer than the model's memory needs is refused.", (1, 1024, 1), "%d"),
]
KEYS = ui.COST_KEYS  # one widget key per cost input, derived from the cost model


def inputs() -> CostInputs:
    """The cost inputs the user set (empty widgets mean: use the default)."""
    return ui.cost_inputs()


def _assumed(report: Optional[CostReport], name: str) -> Any:
    if report is None:
        return None
    return next((a.value for a in report.assumptions if a.name == name), None)


#: USD figures per unit (an hour, a million tokens): to the cent
CENTS = ("gpu_hourly_usd", "closed_price_in", "closed_price_out")
#: inputs whose default is the price the catalog lists, not a figure of the cost data
LIST_PRICE = ("closed_price_in", "closed_price_out")


def default_text(field: str, value: Any) -> Optional[str]:
    """A default as the rest of the page writes it: a volume short (300M), money at its precision
    ($200k a year, $1.79 an hour), other figures without float noise (0.25, 5,056)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if field == "tokens_per_day":
        return tokens_short(value)
    if field in CENTS:
        return f"${value:,.2f}"
    if field.endswith("_usd"):
        return re.sub(r"\.0(?=[kM]$)", "", money(value))  # $200k, $19.3k
    return value_text(value)


def _number_inputs(specs: list[tuple[str, str, str, tuple[float, float, float], str]], report: Optional[CostReport], no_default: str) -> None:
    """Optional number fields in two columns; each shows the default it falls back to."""
    cols = st.columns(2)
    for i, (field, label, help_text, (lo, hi, step), fmt) in enumerate(specs):
        default = default_text(field, _assumed(report, field))
        cols[i % 2].number_input(
            label,
            min_value=lo,
            max_value=hi,
            step=step,
            value=None,
            format=fmt,
            key=f"cost_{field}",
            placeholder=f"default: {default}" if default else ("default: the list price" if field in LIST_PRICE else no_default),
            help=help_text,
        )


def render_inputs(a: Assessment) -> None:
    cat = ui.catalog()
    data = load_cost_data()
    report = a.costs
    st.markdown(
        "Every field is optional: an empty field uses the default shown in it, and the table at the "
        "bottom lists every assumption with its source."
    )
    _number_inputs(NUMBER_INPUTS, report, "default")
    closed_ids = [m.id for m in cat.models if m.weights == "closed" and not m.retired and m.best_price is not None]
    open_ids = [m.id for m in cat.models if m.weights == "open" and not m.retired and (m.best_price is not None or data.footprint(m.id) is not None)]
    names = {m.id: m.name for m in cat.models}
    c1, c2, c3 = st.columns(3)
    c1.selectbox(
        "Closed model",
        closed_ids,
        index=None,
        key="cost_closed_model",
        format_func=names.get,
        placeholder=f"default: {names.get(_assumed(report, 'closed_model'), '—')}",
        help="Pre-filled from the top closed model of your shortlist.",
    )
    c2.selectbox(
        "Open-weight model",
        open_ids,
        index=None,
        key="cost_open_model",
        format_func=names.get,
        placeholder=f"default: {names.get(_assumed(report, 'open_model'), '—')}",
        help="Pre-filled from the top open-weight model of your shortlist that can be costed.",
    )
    gpu_names = {g.id: f"{g.name} (${g.default_price.hourly_usd:g}/h)" for g in data.gpus}
    c3.selectbox(
        "GPU",
        list(gpu_names),
        index=None,
        key="cost_gpu",
        format_func=gpu_names.get,
        placeholder=f"default: {gpu_names.get(_assumed(report, 'gpu'), '—')}",
        help="The GPU type for self-hosting; a model's footprint is catalogued on specific GPUs.",
    )
    with st.expander("More assumptions"):
        _number_inputs(MORE_INPUTS, report, "default: none catalogued")
        st.selectbox(
            "Hybrid: how the open side runs",
            ["cheaper", "rented", "self_hosted"],
            index=None,
            key="cost_hybrid_open",
            format_func={"cheaper": "Whichever is cheaper", "rented": "Rented", "self_hosted": "Self-hosted"}.get,
            placeholder="default: whichever is cheaper",
            help="The router's open-weight side: rented from an inference provider or self-hosted.",
        )
    st.button("Reset every cost input to its default", key="cost_reset", on_click=reset, help="Clear every field above")


def reset() -> None:
    for key in KEYS:
        st.session_state[key] = None


LINE = {
    "closed_api": ("Closed model, vendor's API", "#d1495b"),
    "closed_cloud": ("Closed model, your cloud", "#b35c00"),
    "rented_open": ("Rented open weights", "#2e8b57"),
    "self_hosted": ("Self-hosted open weights", "#1f6feb"),
    "hybrid": ("Hybrid router", "#8250df"),
}


#: Points on each curve: a price line is straight on the log-log chart, and the self-hosting steps
#: are added at their exact edges (cost.volume_grid), so 61 log-spaced volumes draw the same chart as
#: 121 with half the series to compute, send and draw.
CHART_POINTS = 61
#: report field, legend label, the lines it may be computed against, marker symbol
BREAK_EVENS = (
    ("break_even_tokens_per_day", "Break-even vs closed", CLOSED_OPTIONS, "diamond"),
    ("break_even_vs_rented_tokens_per_day", "Break-even vs rented", ("rented_open",), "square"),
)


@st.cache_data(max_entries=64, show_spinner=False)
def _series(answers: tuple, cost_inputs: CostInputs, today, revisit) -> list[dict[str, Any]]:
    """The chart's series, computed once per input set (the catalog and cost data are per process)."""
    return option_curves(
        dict(answers), cost_inputs, today=today, revisit=revisit, questionnaire=ui.questionnaire(), catalog=ui.catalog(), cost_data=load_cost_data(), points=CHART_POINTS
    )


def chart(a: Assessment) -> go.Figure:
    """The cost chart for the assessment's inputs. Built once per input set, like the tornado: the
    figure is a pure function of the answers, the cost inputs and the dates (the assessment's costs
    follow from them), and callers only read it."""
    key = (tuple(sorted(a.answers.items())), a.cost_inputs, a.today, a.revisit)
    return _chart_figure(key, _Unhashed(a.costs))


@functools.lru_cache(maxsize=64)
def _chart_figure(key: tuple, report_box: "_Unhashed") -> go.Figure:
    report: Optional[CostReport] = report_box.value
    rows = _series(*key)
    fig = go.Figure()
    for k, (label, colour) in LINE.items():
        xs = [r["tokens_per_day"] for r in rows if r.get(k) is not None]
        ys = [r[k] for r in rows if r.get(k) is not None]
        if not xs and report is not None and (o := getattr(report, k)) is not None and not o.allowed:
            # a forbidden option is not a contender: a grey legend entry with its reason, and no line
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"{label}: ruled out", line={"color": "#bbbbbb", "dash": "dot"}, hoverinfo="skip"))
            continue
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=label,
                    line={"color": colour, "shape": "hv" if k == "self_hosted" else "linear", "dash": "dot" if k == "hybrid" else None},
                    hovertemplate=f"{label}<br>%{{x:,.3s}} tokens/day<br>$%{{y:,.0f}} a month<extra></extra>",
                )
            )
    if report is not None:
        you = report.tokens_per_day
        fig.add_vline(x=you, line={"color": "#444", "dash": "dash"})
        if RANGE_MIN <= you <= RANGE_MAX:
            # a log axis places annotations at log10 of the value (add_vline's own label is lost on it)
            right = math.log10(you) > 9.2  # near the right edge the label goes on the line's left
            fig.add_annotation(
                x=math.log10(you), xref="x", y=0, yref="paper", yanchor="bottom", xanchor="right" if right else "left",
                xshift=-4 if right else 4, text="your volume", showarrow=False, font={"size": 12},
            )
        # the break-evens are named in the legend, not beside their markers: two labels beside the
        # markers ran into each other on a phone and across the volume line on a wide screen
        for field, label, keys, symbol in BREAK_EVENS:
            value = getattr(report, field)
            if value is None or not RANGE_MIN <= value <= RANGE_MAX or (point := break_even_point(rows, value, keys)) is None:
                continue
            line_key, y = point
            name = f"{label}: {tokens_short(value)} tokens/day"
            fig.add_trace(
                go.Scatter(
                    x=[value],
                    y=[y],
                    mode="markers",
                    marker={"size": 11, "color": "#111", "symbol": symbol},
                    name=name,
                    hovertemplate=f"{name}<br>on the line {LINE[line_key][0]}<br>$%{{y:,.0f}} a month<extra></extra>",
                )
            )
    fig.update_layout(
        xaxis={"type": "log", "title": "Tokens a day (log scale)", "range": [5, 10]},
        yaxis={"type": "log", "title": "USD a month (log scale)", "tickprefix": "$"},
        height=500,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        title={"text": "Monthly cost against daily volume", "font": {"size": 14}},
        template=go.layout.Template(),  # Streamlit's client themes the chart; see result_ui.radar_figure
    )
    return fig


def figures_table(report: CostReport) -> list[dict[str, Any]]:
    names = {m.id: m.name for m in ui.catalog().models}
    return [
        {
            "Option": o.label,
            "Allowed": "yes" if o.allowed else "ruled out",
            "USD a month": money(o.monthly_usd) if o.monthly_usd is not None else "—",
            "Model": " + ".join(names.get(x, x) for x in (o.model or "").split(" + ") if x),
            "Seller": o.seller_name or "",
            "How, or why it is ruled out": o.detail if o.allowed else "; ".join(b.text for b in o.blocked_by) or o.detail,
        }
        for o in report.options()
    ]


def options_markdown(report: CostReport) -> str:
    """The options as a Markdown table: a forbidden option is struck through, with its reason, never a contender."""
    rows = []
    for o in report.options():
        if o.allowed:
            cheapest = f" ({report.cheapest_words()})" if report.cheapest_allowed == o.option else ""
            rng = f" ({money(o.monthly_usd_low)} to {money(o.monthly_usd_high)})" if o.monthly_usd_low is not None else ""
            rows.append([o.label + cheapest, (money(o.monthly_usd) + rng) if o.monthly_usd is not None else "not priced", o.detail])
        else:
            why = "; ".join(f"{b.text}" for b in o.blocked_by) or o.detail
            rows.append([o.label, "ruled out", why])
    return ui.md_table(["Option", "USD a month", "How, or why it is ruled out"], rows)


# ----------------------------------------------------------------------------- what moves the cost
TORNADO_ENDS = (("low", "#1f6feb", "Input at the low end of its range"), ("high", "#d1495b", "Input at the high end of its range"))


@st.cache_data(max_entries=64, show_spinner=False)
def _sensitivity(answers: tuple, cost_inputs: CostInputs, today, revisit, chosen: Optional[str], alternative: Optional[str]) -> Sensitivity:
    """The tornado, computed once per input set: each end re-runs the cost report (about 20-50 ms in all)."""
    return sensitivity_for(
        dict(answers), cost_inputs, chosen, alternative, today=today, revisit=revisit,
        questionnaire=ui.questionnaire(), catalog=ui.catalog(), cost_data=load_cost_data(),
    )


def _key(a: Assessment) -> Optional[tuple]:
    """The plain arguments that decide the tornado, or None when there are no costs."""
    if a.costs is None or a.today is None or a.revisit is None:
        return None
    return (tuple(sorted(a.answers.items())), a.cost_inputs, a.today, a.revisit, *compared(a))


@functools.lru_cache(maxsize=64)
def _tornado_figure(*key: Any) -> Optional[go.Figure]:
    """The figure for one input set. Cached like the radar (result_ui.radar_figure): building the
    subplots costs about 25 ms, and most reruns of the step leave the inputs unchanged. Callers
    only read the figure."""
    return tornado_figure(_sensitivity(*key))


def _role(sens: Sensitivity, key: str) -> str:
    return "chosen" if key == sens.chosen else "best allowed alternative"


def tornado_figure(sens: Sensitivity) -> Optional[go.Figure]:
    """One horizontal bar chart per option: each input's low and high end against the base cost
    (the dashed line), largest swing at the top. None when no input moves either option."""
    from plotly.subplots import make_subplots

    keys = [k for k, swings in sens.swings.items() if any(s.moves for s in swings)]
    if not keys:
        return None
    counts = [sum(s.moves for s in sens.swings[k]) for k in keys]
    titles = [f"{OPTION_LABEL[k]}<br>{_role(sens, k)}: {money(sens.swings[k][0].base)} a month" for k in keys]
    top, bottom, per_input, gap = 95, 100, 56, 150  # pixels
    plot_height = per_input * sum(counts) + gap * (len(keys) - 1)
    fig = make_subplots(rows=len(keys), cols=1, subplot_titles=titles, row_heights=counts, vertical_spacing=gap / plot_height if len(keys) > 1 else 0)
    for i, key in enumerate(keys, 1):
        rows = [s for s in sens.swings[key] if s.moves][::-1]  # plotly draws the first category at the bottom
        base = rows[0].base or 0.0
        # our own labels (never user text), wrapped so that a phone keeps room for the bars
        labels = ["<br>".join([*textwrap.wrap(s.label, 18), s.range_text]) for s in rows]
        values = [base] + [v for s in rows for v in (s.at_low, s.at_high) if v is not None]
        for end, colour, name in TORNADO_ENDS:
            ends = [getattr(s, f"at_{end}") for s in rows]
            fig.add_trace(
                go.Bar(
                    y=labels,
                    x=[None if v is None else v - base for v in ends],
                    base=base,
                    orientation="h",
                    name=name,
                    legendgroup=end,
                    showlegend=i == 1,
                    marker={"color": colour},
                    text=[figure_text(key, v) for v in ends],
                    textposition="outside",
                    cliponaxis=False,
                    hovertext=[f"{s.label}: {input_text(s.field, getattr(s, f'{end}_input'))} → {figure_text(key, v)} a month" for s, v in zip(rows, ends)],
                    hoverinfo="text",
                ),
                row=i,
                col=1,
            )
        fig.add_vline(x=base, line={"color": "#444", "dash": "dash", "width": 1}, row=i, col=1)
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.18 or base * 0.1 or 1.0
        ticks = money_ticks(lo, hi, count=4)
        fig.update_xaxes(
            range=[max(0.0, lo - pad), hi + pad], tickvals=ticks, ticktext=[money(t) for t in ticks],
            title_text="USD a month", title_font={"size": 12}, row=i, col=1,
        )
        fig.update_yaxes(title_text="Cost input (range)", title_font={"size": 12}, row=i, col=1)
    # the subplot titles end at the plot's right edge, so on a phone they run over the labels, not off the screen
    fig.update_annotations(x=1, xanchor="right", xref="paper", align="right", font={"size": 13})
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        height=top + bottom + plot_height,
        margin={"l": 20, "r": 30, "t": top, "b": bottom},
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0},
        title={"text": "What moves the monthly cost", "font": {"size": 14}},
        template=go.layout.Template(),  # Streamlit's client themes the chart; see result_ui.radar_figure
    )
    return fig


def render_tornado(a: Assessment) -> None:
    """What moves the cost: the tornado of the chosen option and its best allowed alternative, the
    figures behind it, and the break-even's swing."""
    key = _key(a)
    sens = _sensitivity(*key) if key is not None else None
    if sens is None or not sens.swings:
        return
    st.markdown("### What moves the cost")  # under the step's h2: the heading order stays whole
    st.caption(RANGES_TEXT + " In the chart, the dashed line marks each option's cost at your inputs.")
    figure = _tornado_figure(*key)
    if figure is not None:
        st.plotly_chart(figure, key="tornado_chart", config={"displayModeBar": False})
    header = ["Input (range)", "Low end → result", "High end → result", "Swing"]
    for key, swings in sens.swings.items():
        st.markdown(f"**{ui.md_escape(OPTION_LABEL[key])}** ({_role(sens, key)}), {money(swings[0].base)} a month at your inputs:")
        rows = table_rows(swings)
        st.markdown(ui.md_table(header, rows) if rows else "No input moves it over these ranges.")
        if rows and (still := unmoved(swings)):
            st.caption("No effect on this option: " + ", ".join(still) + ".")
    base = sens.break_even[0].base if sens.break_even else None
    st.markdown(f"**Break-even volume, self-hosted against the closed API:** {figure_text(BREAK_EVEN, base)} at your inputs.")
    rows = table_rows(sens.break_even)
    st.markdown(ui.md_table(header, rows) if rows else "No input moves it over these ranges.")
    if rows and (still := unmoved(sens.break_even)):
        st.caption("No effect on the break-even: " + ", ".join(still) + ".")


def render_figures(a: Assessment, *, with_chart: bool = True) -> None:
    report = a.costs
    if report is None:
        st.warning(a.cost_problem or "Costs could not be computed.", icon=":material/warning:")
        return
    if with_chart:
        with st.spinner("Drawing the cost chart…"):
            figure = chart(a)
        st.plotly_chart(figure, key="cost_chart", config={"displayModeBar": False})
        st.dataframe(figures_table(report), hide_index=True, key="cost_figures")
    else:
        st.markdown(options_markdown(report))
    if report.tokens_per_day_range:
        lo, hi = report.tokens_per_day_range
        st.caption(f"Your volume is not known: each option is priced at {volume_words(lo)} and {volume_words(hi)} tokens a day as well (in brackets).")
    if report.capability_note:
        st.info(report.capability_note, icon=":material/info:")
    names = catalog_names(ui.catalog(), load_cost_data())
    be = report.break_even_tokens_per_day
    if be is not None:
        st.markdown(f"**Break-even, self-hosted against the closed API:** {tokens_short(be)} tokens a day. {ui.md_escape(named(report.break_even_reason, names))}")
    else:
        st.markdown(f"**Break-even, self-hosted against the closed API:** none between 100 thousand and 10 billion tokens a day. {ui.md_escape(named(report.break_even_reason, names))}")
    ber = report.break_even_vs_rented_tokens_per_day
    st.markdown(
        f"**Break-even, self-hosted against rented open weights:** {tokens_short(ber)} tokens a day."
        if ber is not None
        else f"**Break-even, self-hosted against rented open weights:** none in range. {ui.md_escape(named(report.break_even_vs_rented_reason, names))}"
    )
    if with_chart:
        render_tornado(a)
        with st.expander("Assumptions and sources", expanded=True):
            st.dataframe(
                [
                    {"Assumption": name, "Value": value, "Source": source}
                    for name, value, source in assumption_rows(report.assumptions, ui.questionnaire(), ui.catalog(), load_cost_data())
                ],
                hide_index=True,
                key="cost_assumptions",
            )
    else:
        st.caption("Every assumption behind these figures, with its source, is on the Costs step.")


# ----------------------------------------------------------------------------- the chart code, early
# The browser loads plotly's code (a 4.7 MB script: about 0.4 s to fetch, 0.8 s to evaluate and 0.3 s
# to set up its first plot on a 2-core machine) only when a page first shows a plotly chart, so the
# first Costs step of a session took 1.9–2.2 s from Next to a drawn chart, against 0.4–0.5 s once
# loaded; the server's own part is 35 ms (250 ms in a fresh process). A tiny chart, drawn out of
# sight in the sidebar, has it loaded (about 1.2 s after it is sent) while the user answers the
# questions: the first chart then took 0.56–0.59 s (bench/run.py: bench_cost_chart). Not on a
# session's first run, which it slowed: the first screen comes first (bench: the first question
# visible within 1.5× a hello-world app).
PRELOAD_CSS = """<style>
.st-key-chart_code_preload { position: absolute; left: -10000px; top: 0; width: 320px; height: 120px; overflow: hidden; visibility: hidden; }
</style>"""
PRELOAD_SEEN = "_chart_code_preload"


@functools.lru_cache(maxsize=1)
def _preload_figure() -> go.Figure:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2], mode="lines", hoverinfo="skip"))
    fig.update_layout(height=120, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False, template=go.layout.Template())
    return fig


def preload_chart_code() -> None:
    """From a session's second run on, a hidden chart at the end of the sidebar (the same place on
    every question step, so the browser sets it up once), except on the steps that draw charts of
    their own (the result's rerun stays within its benchmark). The Assess page calls it on every run."""
    ss = st.session_state
    if not ss.get(PRELOAD_SEEN):
        ss[PRELOAD_SEEN] = True
        return
    if ss.get("step") in ("costs", "result"):
        return
    with st.sidebar:
        st.html(PRELOAD_CSS)
        with st.container(key="chart_code_preload"):
            st.plotly_chart(_preload_figure(), key="chart_preload", config={"staticPlot": True, "displayModeBar": False})
