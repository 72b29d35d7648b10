"""The Streamlit pages, driven with AppTest: one test per behaviour a user relies on."""

import pytest

from app_pages import ui
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, assert_reads_as_prose

APP = str(ROOT / "app.py")
PAGES = ["app_pages/assess.py", "app_pages/catalog.py", "app_pages/method.py"]
AXIS_STEPS = ["cost", "control", "governance", "ecosystem", "performance", "context"]


def new_app():
    return AppTest.from_file(APP, default_timeout=60)


def go(at, step):
    at.radio(key="step").set_value(step).run()
    assert not at.exception
    return at


def markdown_text(at):
    return "\n".join(m.value for m in at.markdown)


def plain(text):
    """Markdown as a reader sees it: escapes removed, links' addresses left out."""
    import re

    text = re.sub(r"\]\([^)\s]*\)", "]", text)  # [label](address) → [label]
    return re.sub(r"https?://\S+", " ", text.replace("\\", ""))


def open_tab(at, label):
    """Open one of the result's tabs, as a click does: only the open tab is drawn."""
    at.session_state["result_tab"] = label
    at.run()
    assert not at.exception
    return at


def result_text(at):
    """The markdown of every result tab, each opened in turn, then back on the first."""
    from app_pages.flow import RESULT_TABS

    parts = []
    for label in RESULT_TABS:
        open_tab(at, label)
        parts += [markdown_text(at), *(i.value for i in at.info)]
    open_tab(at, RESULT_TABS[0])
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(page):
    at = new_app().run()
    at.switch_page(page).run()
    assert not at.exception


@pytest.mark.parametrize("step", ["start", *AXIS_STEPS, "costs", "checklist", "result"])
def test_every_step_renders_on_a_blank_sheet(step):
    at = new_app().run()
    go(at, step)
    assert not at.exception


def test_newcomer_walks_from_a_profile_to_the_result():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("regulated_on_prem").run()
    at.button(key="use_profile").click().run()
    assert at.session_state["step"] == "cost"
    seen = []
    while at.session_state["step"] != "result":
        seen.append(at.session_state["step"])
        at.button(key="nav_next").click().run()
        assert not at.exception
    assert seen == [*AXIS_STEPS, "costs", "checklist"]
    assert at.subheader[0].value == "Open weights, self-hosted on infrastructure you control"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Recommendation"] == "Open weights" and metrics["Confidence"] == "High"
    assert len(at.get("plotly_chart")) == 1
    text = result_text(at)
    assert "Regulated data often may not leave your network" in text  # a reason
    assert "You confirmed no item as a firm yes, so the axes decide." in text
    assert "**Bought from your own GPUs.**" in text
    assert "| Closed model, vendor's API | ruled out | Data may not leave your own cloud" in text  # forbidden, with its reason
    assert "Hard constraint — Where may prompts and outputs go? → Only our own cloud account or data centre." in plain(text)
    assert "data_boundary" not in plain(text) and "own_cloud_only" not in plain(text)


def test_answering_by_question_keys_reaches_a_closed_result():
    at = new_app().run()
    answers = {
        "cost": {"daily_tokens": "under_1m", "traffic_shape": "spiky", "spend_model": "pay_per_use"},
        "ecosystem": {"ml_platform_team": "none", "time_to_production": "weeks"},
        "performance": {"task_difficulty": "frontier", "modality": "multimodal"},
    }
    for step, qs in answers.items():
        go(at, step)
        for qid, oid in qs.items():
            at.radio(key=f"q_{qid}").set_value(oid).run()
    go(at, "result")
    assert at.subheader[0].value == "A closed model through a managed API"
    assert {m.label: m.value for m in at.metric}["Confidence"] == "Low"
    assert "Unanswered (11)" in result_text(at)


def test_answers_survive_jumping_between_steps():
    at = new_app().run()
    go(at, "control")
    at.radio(key="q_data_boundary").set_value("air_gapped").run()
    go(at, "performance")
    at.radio(key="q_modality").set_value("multimodal").run()
    go(at, "start")
    go(at, "control")
    assert at.radio(key="q_data_boundary").value == "air_gapped"
    at.button(key="nav_back").click().run()
    at.button(key="nav_next").click().run()
    at.button(key="nav_next").click().run()
    assert at.session_state["step"] == "governance"
    go(at, "performance")
    assert at.radio(key="q_modality").value == "multimodal"
    go(at, "result")
    assert at.subheader[0].value.startswith("Open weights, self-hosted")


def test_checklist_suggests_and_the_user_overrides():
    at = new_app().run()
    go(at, "ecosystem")
    at.radio(key="q_lock_in_tolerance").set_value("unacceptable").run()
    go(at, "checklist")
    at.radio(key="c_ship_fast_no_platform").set_value("yes").run()
    assert at.session_state["checklist_overrides"] == {"ship_fast_no_platform": "yes"}
    go(at, "result")
    # your confirmed yes decides: closed, softened to hybrid because the axes pull strongly open
    assert at.subheader[0].value.startswith("Hybrid")
    assert "You confirmed **Must you ship within weeks, with no ML platform team?**" in result_text(at)
    go(at, "checklist")
    assert at.radio(key="c_ship_fast_no_platform").value == "yes"  # the override is kept
    at.button(key="reset_checklist").click().run()
    go(at, "result")
    assert at.subheader[0].value.startswith("Open weights")


def test_suggestion_follows_later_answers_until_overridden():
    at = new_app().run()
    go(at, "checklist")
    assert at.radio(key="c_need_frontier").value == "unsure"
    go(at, "performance")
    at.radio(key="q_task_difficulty").set_value("frontier").run()
    go(at, "checklist")
    assert at.radio(key="c_need_frontier").value == "yes"


def test_blank_sheet_clears_the_profile_answers():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("ship_fast").run()
    at.button(key="use_profile").click().run()
    assert at.radio(key="q_daily_tokens").value == "1m_to_10m"
    go(at, "start")
    at.button(key="blank_sheet").click().run()
    assert at.radio(key="q_daily_tokens").value is None
    go(at, "result")
    assert any("16 of 16 scored questions are unanswered" in c.value for c in at.caption)


def test_clear_step_unanswers_only_that_step():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("prototype").run()
    at.button(key="use_profile").click().run()
    at.button(key="clear_cost").click().run()
    assert at.radio(key="q_daily_tokens").value is None
    go(at, "control")
    assert at.radio(key="q_data_boundary").value == "any_vendor"


def test_result_lists_what_would_flip_it():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("prototype").run()
    at.button(key="use_profile").click().run()
    go(at, "result")
    text = result_text(at)
    assert "| If | were | the result would be | kind |" in text
    assert "| Where may prompts and outputs go? | Air\\-gapped, no outside connection | Open weights: gpt\\-oss" in text


def test_every_question_has_a_label_help_and_its_key():
    from grid.questionnaire import load_questionnaire

    q = load_questionnaire()
    at = new_app().run()
    for step in AXIS_STEPS:
        go(at, step)
        for question in (x for x in q.questions if x.axis == step):
            widget = at.radio(key=f"q_{question.id}")
            assert widget.label == question.label
            assert widget.help == question.help


def test_method_page_shows_every_question_and_weight():
    at = new_app().run()
    at.switch_page("app_pages/method.py").run()
    frames = [d.value for d in at.dataframe]
    questions = next(f for f in frames if "Question id" in f.columns)
    from grid.questionnaire import load_questionnaire

    q = load_questionnaire()
    assert set(questions["Question id"]) == {x.id for x in q.questions}
    assert "Weight" in questions.columns and "Lean" in questions.columns


def catalog_page():
    at = new_app().run()
    at.switch_page("app_pages/catalog.py").run()
    assert not at.exception
    return at


def models_table(at):
    return next(d.value for d in at.dataframe if "Commercial at my scale" in d.value.columns)


def test_catalog_filters_by_weights_and_search():
    at = catalog_page()
    everything = models_table(at)
    at.radio(key="cat_weights").set_value("open").run()
    open_only = models_table(at)
    assert 0 < len(open_only) < len(everything)
    assert set(open_only["Weights"]) == {"open"}
    at.text_input(key="cat_search").input("llama").run()
    llamas = models_table(at)
    assert len(llamas) >= 2 and all("llama" in name.lower() for name in llamas["Model"])


def test_catalog_commercial_filter_hides_non_commercial_licences():
    at = catalog_page()
    assert "Command A" in " ".join(models_table(at)["Model"])
    at.checkbox(key="cat_commercial").check().run()
    table = models_table(at)
    assert "Command A" not in " ".join(table["Model"])
    assert "no" not in set(table["Commercial at my scale"])


def test_catalog_filters_by_modality_context_and_price():
    at = catalog_page()
    at.multiselect(key="cat_modality").set_value(["image"]).run()
    assert all("image" in x for x in models_table(at)["Inputs"])
    at.multiselect(key="cat_modality").set_value([]).run()
    at.number_input(key="cat_min_context").set_value(500).run()
    assert all(int(x.replace(",", "")) >= 500_000 for x in models_table(at)["Context (tokens)"])
    at.number_input(key="cat_min_context").set_value(0).run()
    at.number_input(key="cat_max_price").set_value(1.0).run()
    prices = models_table(at)["Output $/M"]
    assert len(prices) > 0 and all(float(p.lstrip("$")) <= 1.0 for p in prices)


def test_the_catalog_table_shows_no_none_and_stale_only_when_stale():
    at = catalog_page()
    table = models_table(at)
    assert not table.isin(["None"]).any().any() and not table.isna().any().any()
    assert "—" in set(table["Params total (B)"])  # closed models have no parameter count: a dash
    assert "Stale" not in table.columns  # nothing in the shipped catalog is older than 180 days


def test_catalog_reads_licences_against_the_users_scale():
    at = new_app().run()
    go(at, "context")
    at.radio(key="q_monthly_active_users").set_value("over_700m").run()
    at.switch_page("app_pages/catalog.py").run()
    at.selectbox(key="cat_license").set_value("llama4-community").run()
    assert not at.exception
    clauses = next(d.value for d in at.dataframe if "In plain words" in d.value.columns)
    assert any("Above 700 million in monthly active users" in x for x in clauses["In plain words"])
    assert any("separate licence from Meta" in e.value for e in at.error)
    llama = models_table(at)
    row = llama[llama["Model"].str.contains("Llama 4 Maverick")].iloc[0]
    assert row["Commercial at my scale"] == "no"


def test_catalog_provider_view_shows_data_terms():
    at = catalog_page()
    providers = next(d.value for d in at.dataframe if "Zero data retention" in d.value.columns)
    assert len(providers) == len(ui.catalog().providers)
    assert {"Trains on API data by default", "Regions", "DPA offered", "Attestations", "Source", "Checked"} <= set(providers.columns)
    kinds = set(providers["Kind"])
    assert {"the lab's own API", "cloud endpoint", "inference provider", "aggregator (resale)"} <= kinds
    anthropic = providers[providers["Seller"].str.contains("Anthropic")].iloc[0]
    assert "SOC 2" in anthropic["Attestations"]
    # a statement read only on a third-party copy says so; a seller nobody found a statement for says that
    bedrock = providers[providers["Seller"].str.contains("Bedrock")].iloc[0]
    assert "read only on third-party copies of its pages: " in bedrock["Attestations"] and "HIPAA BAA" in bedrock["Attestations"]
    deepseek = providers[providers["Seller"].str.contains("DeepSeek")].iloc[0]
    assert deepseek["Attestations"] == "not found on its own pages"


def test_catalog_filters_by_status_and_hides_retired_models_by_default():
    at = catalog_page()
    shown = models_table(at)
    assert "retired" not in set(shown["Status"])
    at.multiselect(key="cat_status").set_value(["retired"]).run()
    retired = models_table(at)
    assert len(retired) >= 1 and set(retired["Status"]) == {"retired"}
    assert all(retired["Retires on"])


def test_result_page_shows_the_shortlist_and_the_exclusions():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("hybrid_router").run()
    at.button(key="use_profile").click().run()
    go(at, "result")
    text = result_text(at)
    assert text.count("| Model | Terms | Tier | Input $/M | Output $/M |") == 2  # volume and frontier sides
    assert "Volume side" in text and "Frontier side" in text
    assert "| Model | Side | Why it is excluded |" in text and "Cohere Labs Command A" in text


def figures(at):
    return next(d.value for d in at.dataframe if "USD a month" in d.value.columns)


def dollars(text):
    """'$21.3k' → 21300; '$1.24M' → 1240000; '$730' → 730."""
    text = text.lstrip("$").replace(",", "")
    scale = {"k": 1e3, "M": 1e6}.get(text[-1:], 1)
    return float(text.rstrip("kM")) * scale


def assumptions(at):
    table = next(d.value for d in at.dataframe if "Assumption" in d.value.columns)
    return dict(zip(table["Assumption"], table["Value"]))


def test_costs_step_shows_chart_figures_and_break_even():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("cost_at_scale").run()
    at.button(key="use_profile").click().run()
    go(at, "costs")
    assert len(at.get("plotly_chart")) == 2  # the cost chart and the tornado (what moves the cost)
    table = figures(at)
    assert list(table["Option"]) == ["Closed model, vendor's API", "Closed model, your cloud's endpoint", "Open weights, rented", "Open weights, self-hosted", "Hybrid router"]
    assert set(table["Allowed"]) == {"yes"}
    assert all(dollars(v) > 0 for v in table["USD a month"] if v != "—")
    assert "Break-even, self-hosted against the closed API" in markdown_text(at)
    # pre-filled from the answer (over_100m → 300M a day) and the shortlist's models
    assumed = assumptions(at)
    assert assumed["Tokens a day"] == "300 million"  # no false precision such as 300000000.0 or 300,000,000
    assert at.number_input(key="cost_tokens_per_day").value is None  # empty = the default


def test_the_costs_step_writes_defaults_and_the_break_even_as_the_rest_of_the_page_does():
    import re

    from grid.options import money

    at = new_app().run()
    at.selectbox(key="start_profile").set_value("hybrid_router").run()
    at.button(key="use_profile").click().run()
    go(at, "costs")
    holders = {n.key: n.proto.placeholder for n in at.number_input}
    assert holders["cost_tokens_per_day"] == "default: 30M"  # a token count short, not 30,000,000
    assert re.fullmatch(r"default: \$\d+(\.\d)?k", holders["cost_engineer_yearly_usd"]), holders  # $200k
    assert re.fullmatch(r"default: \$\d+\.\d\d", holders["cost_gpu_hourly_usd"]), holders  # $1.79 an hour
    assert holders["cost_closed_price_in"] == "default: the list price"
    assert holders["cost_output_share"] == "default: 0.25"
    text = plain(markdown_text(at))
    line = next(x for x in text.splitlines() if x.startswith("**Break-even, self-hosted against the closed API:**"))
    cost = re.search(r"both cost (\S+) a month", line)
    assert cost and cost.group(1) == money(dollars(cost.group(1))) and not re.search(r"\$\d{1,3},\d{3}\b", line), line  # $19.3k, as page 1 writes it


def test_costs_respond_to_the_volume_and_keep_the_input():
    at = new_app().run()
    go(at, "costs")
    before = figures(at)
    at.number_input(key="cost_tokens_per_day").set_value(1_000_000_000).run()
    after = figures(at)
    closed_before = dollars(before[before["Option"] == "Closed model, vendor's API"]["USD a month"].iloc[0])
    closed_after = dollars(after[after["Option"] == "Closed model, vendor's API"]["USD a month"].iloc[0])
    assert closed_after > closed_before * 100
    go(at, "result")
    go(at, "costs")
    assert at.number_input(key="cost_tokens_per_day").value == 1_000_000_000
    at.button(key="cost_reset").click().run()
    assert at.number_input(key="cost_tokens_per_day").value is None


def test_the_cost_chart_labels_the_volume_and_money_and_marks_each_break_even_on_its_line():
    """The figure behind the Costs step's chart (tests/browser/test_charts.py checks what is drawn)."""
    import math
    from datetime import date

    from app_pages import cost_ui
    from grid.assessment import assess

    answers = {**ui.profiles()["hybrid_router"].answers, "data_boundary": "own_cloud_only"}  # the vendor's API ruled out
    a = assess(answers, today=date(2026, 12, 1))
    fig = cost_ui.chart(a)
    # "your volume" as an annotation at log10 of the volume: add_vline's own label is lost on a log axis
    assert [x.text for x in fig.layout.annotations] == ["your volume"]
    assert fig.layout.annotations[0].x == pytest.approx(math.log10(a.costs.tokens_per_day))
    assert fig.layout.yaxis.tickprefix == "$" and "USD a month" in fig.layout.yaxis.title.text and "Tokens a day" in fig.layout.xaxis.title.text
    marks = {t.name.split(":")[0]: t for t in fig.data if t.mode == "markers"}
    assert set(marks) == {"Break-even vs closed", "Break-even vs rented"}
    assert all(t.showlegend is not False and not t.text for t in marks.values())  # named in the legend, no text on the plot
    for name, line in (("Break-even vs closed", "closed_cloud"), ("Break-even vs rented", "rented_open")):
        trace = next(t for t in fig.data if t.name == cost_ui.LINE[line][0])
        x, y = marks[name].x[0], marks[name].y[0]
        i = next(i for i, v in enumerate(trace.x) if v >= x)
        x0, x1, y0, y1 = trace.x[i - 1], trace.x[i], trace.y[i - 1], trace.y[i]
        on_line = math.exp(math.log(y0) + math.log(x / x0) / math.log(x1 / x0) * math.log(y1 / y0))
        assert y == pytest.approx(on_line, rel=1e-6), name
    assert "Closed model, vendor's API: ruled out" in [t.name for t in fig.data]


def test_plotlys_browser_code_is_sent_early_from_a_sessions_second_run_on():
    """A hidden chart in the sidebar has the browser load plotly's code before the Costs step needs
    it (cost_ui.preload_chart_code); never on the first run, and not on the steps with charts."""
    at = new_app().run()
    assert not at.sidebar.get("plotly_chart")  # the first screen comes first
    go(at, "cost")
    assert len(at.sidebar.get("plotly_chart")) == 1
    go(at, "costs")
    assert not at.sidebar.get("plotly_chart") and len(at.main.get("plotly_chart")) == 2
    go(at, "context")
    assert len(at.sidebar.get("plotly_chart")) == 1


def test_cost_model_choice_changes_the_assumptions():
    at = new_app().run()
    go(at, "costs")
    at.selectbox(key="cost_closed_model").set_value("claude-haiku-5-5").run()
    at.selectbox(key="cost_gpu").set_value("h200-141gb").run()
    assumed = assumptions(at)
    assert assumed["Closed model"] == "Claude Haiku 5.5" and assumed["GPU"] == "NVIDIA H200 141GB SXM"  # names, never ids


def test_result_reasons_cite_the_cost_at_your_volume():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("hybrid_router").run()
    at.button(key="use_profile").click().run()
    go(at, "result")
    text = result_text(at)
    assert "Cost at your volume" in text and "At 30 million tokens a day, gpt\\-oss\\-120b from Amazon Bedrock costs $240 a month" in text
    assert "| Option | USD a month | How, or why it is ruled out |" in text
    assert "| Open weights, rented \\(cheapest allowed\\) | $240 |" in text  # the reason's figure is the table's figure


# ---------------------------------------------------------------------- links and export
def app_with_link(params):
    at = new_app()
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_a_link_restores_answers_checklist_costs_and_step():
    at = app_with_link({"v": "1", "profile": "hybrid_router", "task_difficulty": "frontier", "need_frontier": "no", "tokens_per_day": "50000000", "title": "Router review", "step": "result"})
    assert not at.exception
    assert at.session_state["step"] == "result"
    assert at.session_state["q_task_difficulty"] == "frontier" and at.session_state["q_daily_tokens"] == "10m_to_100m"
    assert at.session_state["checklist_overrides"] == {"need_frontier": "no", "mix": "yes"}  # the profile's confirmed mix, and the link's answer
    assert at.session_state["cost_tokens_per_day"] == 50_000_000
    assert at.session_state["title"] == "Router review"
    assert open_tab(at, "Share and export").text_input(key="title").value == "Router review"
    assert not at.warning  # nothing wrong with it


def test_answering_writes_the_state_into_the_url():
    at = new_app().run()
    go(at, "control")
    at.radio(key="q_data_boundary").set_value("air_gapped").run()
    assert at.query_params["data_boundary"] == ["air_gapped"] or at.query_params["data_boundary"] == "air_gapped"
    assert "step" in at.query_params


def test_a_tampered_link_warns_loads_the_rest_and_injects_nothing():
    at = app_with_link({"v": "1", "modality": "multimodal", "daily_tokens": "lots", "<img src=x onerror=alert(1)>": "1", "title": "<script>alert(1)</script>", "step": "result"})
    assert not at.exception
    warning = at.warning[0].value
    assert "Dropped daily\\_tokens=lots" in warning
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in warning  # escaped: shown as text
    assert at.session_state["q_modality"] == "multimodal"
    assert open_tab(at, "Share and export").text_input(key="title").value == "<script>alert(1)</script>"  # kept as text in a text field
    at.button(key="dismiss_link").click().run()
    assert not at.warning


def test_an_over_long_link_is_refused_and_the_page_still_works():
    at = app_with_link({"daily_tokens": "unknown", "title": "x" * 9000})
    assert not at.exception
    assert "The link was refused" in at.error[0].value and "8,192\\-byte limit" in at.error[0].value
    assert "q_daily_tokens" not in at.session_state  # nothing from the link was loaded
    go(at, "cost")
    assert at.radio(key="q_daily_tokens").value is None


def test_share_panel_shows_the_link_and_builds_the_pdf():
    at = app_with_link({"v": "1", "profile": "ship_fast", "step": "result"})
    open_tab(at, "Share and export")
    at.text_input(key="title").input("Ship the chat assistant").run()
    code = next(c.value for c in at.code if "v=1" in c.value)
    assert "profile=ship_fast" in code and "title=Ship%20the%20chat%20assistant" in code and "step=result" in code
    labels = [b.label for b in at.get("download_button")]
    assert "Download the assessment (YAML)" in labels and "Download the decision record (Markdown)" in labels
    at.button(key="build_pdf").click().run()
    assert not at.exception
    assert "Download the PDF" in [b.label for b in at.get("download_button")]


def test_the_result_opens_with_a_summary_and_the_rest_in_tabs():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("hybrid_router").run()
    at.button(key="use_profile").click().run()
    go(at, "result")
    text = markdown_text(at)
    assert "**Monthly cost:** $641 a month, against $240 for the best allowed alternative (rented open weights)." in text
    assert {m.label: m.value for m in at.metric}["Deployment"] == "Your own router"
    assert "**Bought from xAI API \\(SpaceXAI\\) \\+ Amazon Bedrock.**" in text
    assert "**The three strongest reasons**" in text and "**What would change it**" in text
    assert [t.label for t in at.tabs] == ["Reasons", "Options and costs", "Checklist", "Constraints", "What would change this", "Shortlist", "Answers", "Share and export"]
    # only the open tab is drawn: the radar and reasons now, the share panel once its tab is opened
    assert "#### Why" in text and len(at.get("plotly_chart")) == 1
    assert "title" not in [w.key for w in at.text_input] and "| Model | Side | Why it is excluded |" not in text
    open_tab(at, "Share and export")
    assert "title" in [w.key for w in at.text_input] and not at.get("plotly_chart") and "#### Why" not in markdown_text(at)
    # the summary stays on every tab
    assert "**The three strongest reasons**" in markdown_text(at)


def test_suggested_checklist_answers_are_confirmed_in_one_click_from_the_result():
    at = new_app().run()
    go(at, "control")
    at.radio(key="q_data_boundary").set_value("air_gapped").run()
    go(at, "result")
    assert "suggested from your answers" in markdown_text(open_tab(at, "Checklist"))
    assert at.session_state["checklist_overrides"] == {}
    at.button(key="confirm_suggestions").click().run()
    assert at.session_state["checklist_overrides"]["data_must_stay"] == "yes"
    assert "You confirmed **Must the data stay inside your own network?**" in result_text(at)


def test_the_uploader_states_the_real_limit():
    at = new_app().run()
    assert any("at most 64 KB" in u.label for u in at.get("file_uploader"))


def test_the_step_survives_a_visit_to_another_page():
    at = new_app().run()
    go(at, "governance")
    at.switch_page("app_pages/catalog.py").run()
    at.switch_page("app_pages/method.py").run()
    at.switch_page("app_pages/assess.py").run()
    assert not at.exception
    assert at.session_state["step"] == "governance"


def test_choosing_a_profile_then_next_loads_it_and_a_jump_says_what_is_missing():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("ship_fast").run()
    at.button(key="nav_next").click().run()  # without "Start from this profile"
    assert at.session_state["step"] == "cost" and at.session_state["profile"] == "ship_fast"
    assert at.radio(key="q_daily_tokens").value == "1m_to_10m"
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("prototype").run()
    go(at, "control")  # a jump from the sidebar
    assert any("its answers are not loaded" in i.value for i in at.info)
    at.button(key="load_pending_profile").click().run()
    assert at.session_state["profile"] == "prototype" and at.session_state["q_data_boundary"] == "any_vendor"


def test_a_chosen_profile_is_kept_across_steps_until_it_is_loaded():
    at = new_app().run()
    at.selectbox(key="start_profile").set_value("prototype").run()
    go(at, "costs")  # a jump from the sidebar
    assert any("its answers are not loaded" in i.value for i in at.info)
    at.button(key="nav_next").click().run()  # one step on, the choice is still there
    assert at.session_state["step"] == "checklist"
    assert any("its answers are not loaded" in i.value for i in at.info)
    go(at, "result")
    go(at, "start")
    assert at.selectbox(key="start_profile").value == "prototype"  # the Start step still shows it
    go(at, "cost")
    at.button(key="load_pending_profile").click().run()
    assert at.session_state["profile"] == "prototype" and not any("its answers are not loaded" in i.value for i in at.info)


def test_a_broken_data_file_shows_one_clear_panel_not_a_traceback(monkeypatch):
    import grid.assessment
    from grid.errors import InvalidData

    def broken(*args, **kwargs):
        raise InvalidData("data/costs.yaml", ["footprints[0] (x).gpu: unknown GPU 'y'"])

    monkeypatch.setattr(grid.assessment, "load_cost_data", broken)
    at = new_app()
    at.query_params["v"] = "1"
    at.query_params["step"] = "result"
    at.query_params["tokens_per_day"] = "123457"  # an input set no other test uses, so nothing is cached
    at.run()
    assert not at.exception
    assert any("cannot be read" in e.value and "unknown GPU" in e.value for e in at.error)


# ---------------------------------------------------------------------- words, not ids
CONFLICT = {"v": "1", "profile": "ship_fast", "data_must_stay": "yes", "ship_fast_no_platform": "yes", "step": "result"}
CASES = {pid: {"v": "1", "profile": pid, "step": "result"} for pid in ["cost_at_scale", "hybrid_router", "prototype", "regulated_on_prem", "ship_fast"]}
CASES["ship_fast, two confirmed yeses in conflict"] = CONFLICT


def shown_text(at):
    """Everything a reader sees on the current run: markdown, captions, notes, figures and table cells."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for kind in (at.info, at.warning, at.error, at.success) for x in kind]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    parts += [e.label for e in at.expander]
    for d in at.dataframe:
        parts += [" | ".join(map(str, d.value.columns))] + [" | ".join(map(str, row)) for row in d.value.itertuples(index=False)]
    return plain("\n".join(parts))


@pytest.mark.parametrize("case", list(CASES))
def test_every_result_tab_and_the_costs_step_read_as_prose(case):
    from app_pages.flow import RESULT_TABS

    at = app_with_link(CASES[case])
    assert not at.exception
    for label in RESULT_TABS:
        assert_reads_as_prose(shown_text(open_tab(at, label)), f"{case}: result, {label}")
    assert_reads_as_prose(shown_text(go(at, "costs")), f"{case}: costs step")


@pytest.mark.parametrize("case", list(CASES))
def test_the_first_screen_leads_with_what_decided_and_never_only_argues_against_the_call(case):
    from app_pages.url_state import current_assessment  # noqa: F401 (the page's own assessment, below)
    from grid.engine import REC_LABEL

    at = app_with_link(CASES[case])
    text = plain(markdown_text(at))
    block = text.split("**The three strongest reasons**", 1)[1].split("**What would change it**", 1)[0]
    lines = [line for line in block.splitlines() if line.startswith("- ")]
    assert 1 <= len(lines) <= 3, lines
    call = {"Open weights": "open", "Closed API": "closed", "Hybrid router": "hybrid"}[{m.label: m.value for m in at.metric}["Recommendation"]]
    against = {"open": "toward closed", "closed": "toward open", "hybrid": "never"}[call]
    assert not all(against in line for line in lines), lines
    if case == "ship_fast, two confirmed yeses in conflict":
        assert call == "open" and REC_LABEL[call] == "Open weights"
        assert lines[0] == "- Must the data stay inside your own network? → Yes (you confirmed it: it decides)", lines
        assert not any("toward closed" in line for line in lines), lines
        warning = at.warning[0].value
        assert warning.startswith("Two yeses pull in opposite directions") and "To settle it" not in warning  # short; the rest in an expander
        assert "The two yeses in conflict: which decides, and how to settle it" in [e.label for e in at.expander]
    if case == "regulated_on_prem":
        assert lines[0] == "- Where may prompts and outputs go? → Only our own cloud account or data centre (a hard constraint)", lines
    if case == "hybrid_router":
        assert lines[0] == "- Is it a mix of the above? → Yes (you confirmed it: it decides)", lines


def test_catalog_models_show_status_reference_price_and_every_seller():
    at = catalog_page()
    shown = models_table(at)
    cat = ui.catalog()
    opus = shown[shown["Model"] == cat.model_by_id["claude-opus-5-5"].name].iloc[0]
    assert opus["Status"] and "Anthropic Claude API (the lab's own API: the reference)" == opus["Price from"]
    assert "Amazon Bedrock" in opus["Sold by"] and "Google Cloud Vertex AI" in opus["Sold by"]
    ref = cat.model_by_id["claude-opus-5-5"].reference_price
    assert opus["Input $/M"].startswith(f"${ref.input_usd_per_mtok:.2f}") or opus["Input $/M"] == f"${ref.input_usd_per_mtok:,.2f}"
    # an open-weight model has no first-party row: its price comes from a seller and says so
    oss = shown[shown["Model"] == "gpt-oss-120b"].iloc[0]
    assert "(no first-party price)" in oss["Price from"] and "Baseten" in oss["Sold by"]
