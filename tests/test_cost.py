"""The cost model on hand-checkable data, its shape (linear API, stepped self-hosting), the
break-even, the seed's crossover claim, and the CLI."""

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grid.catalog import read_catalog
from grid.cli import main
from grid.cost import (
    CostInputs,
    InvalidCostInput,
    api_monthly,
    cost_report,
    curves,
    load_cost_data,
    parse_cost_data,
    parse_cost_inputs,
    resolve,
    self_hosted_monthly,
)
from grid.errors import InvalidData
from grid.yamlio import read_data_file
from tests.conftest import ROOT

SMALL = read_catalog(ROOT / "tests" / "catalogs" / "valid_small.yaml")
DATA = parse_cost_data(read_data_file(ROOT / "tests" / "fixtures_costs.yaml"), "fixture", SMALL)


def report(answers=None, **inputs):
    return cost_report(CostInputs(**inputs), answers or {}, SMALL, DATA)


def test_closed_api_by_hand():
    # closed-frontier: $5 in / $25 out per M. 1M tokens/day, 25% output, 30 days:
    # (0.75 × 5 + 0.25 × 25) = $10 per M → 1 × 30 × 10 = $300 a month
    r = report(tokens_per_day=1_000_000)
    assert r.closed_api.monthly_usd == pytest.approx(300.0)
    assert r.closed_api.model == "closed-frontier"


def test_rented_open_by_hand():
    # open-text: $0.2 in / $0.6 out → 0.75 × 0.2 + 0.25 × 0.6 = $0.30 per M → 10M/day × 30 × 0.3 = $90
    assert report(tokens_per_day=10_000_000).rented_open.monthly_usd == pytest.approx(90.0)


def test_cached_input_uses_the_cached_price():
    # closed-frontier has no cached price in the fixture, so caching changes nothing there;
    # on an input-only mix the full input price applies
    r = report(tokens_per_day=1_000_000, output_share=0, cached_input_share=0.5)
    assert r.closed_api.monthly_usd == pytest.approx(1 * 30 * 5)


def test_self_hosted_by_hand():
    # 1,000 tokens/s per replica, peak factor 2 → one replica carries 43.2M tokens/day.
    # 10M/day → 1 replica × 2 GPUs × $2/h × 730 h = $2,920, plus 1 × 120,000 / 12 = $10,000
    r = report(tokens_per_day=10_000_000)
    assert r.self_hosted.monthly_usd == pytest.approx(12_920.0)
    assert r.self_hosted.gpu == "gpu-a"
    # 50M/day needs 2 replicas: 5,840 + 10,000
    assert report(tokens_per_day=50_000_000).self_hosted.monthly_usd == pytest.approx(15_840.0)


def test_hybrid_by_hand():
    # 10M/day, 20% to the closed model: 2M × 30 × $10/M = $600; 8M rented: 8 × 30 × 0.3 = $72
    r = report(tokens_per_day=10_000_000)
    assert r.hybrid.monthly_usd == pytest.approx(672.0)
    assert "rented" in r.hybrid.detail


def test_hybrid_can_be_forced_self_hosted():
    r = report(tokens_per_day=10_000_000, hybrid_open="self_hosted")
    assert r.hybrid.monthly_usd == pytest.approx(600 + 12_920)


def test_break_even_by_hand():
    # API cost per daily token a month: 30 × $10/M = 3e-4. One replica + staff = 12,920 →
    # 43.07M tokens/day, which one replica (43.2M/day) carries.
    r = report(tokens_per_day=1_000_000)
    assert r.break_even_tokens_per_day == pytest.approx(12_920 / 3e-4)


@given(st.floats(1e5, 1e10), st.floats(1.5, 1000))
def test_api_cost_is_linear_in_volume(volume, factor):
    r = resolve(CostInputs(), {}, SMALL, DATA)
    one = api_monthly(volume, r.closed_price, r)
    assert api_monthly(volume * factor, r.closed_price, r) == pytest.approx(one * factor, rel=1e-9)


def test_self_hosted_cost_is_a_step_function_of_volume():
    r = resolve(CostInputs(), {}, SMALL, DATA)
    capacity = 1000 * 86_400 / 2
    below, above = self_hosted_monthly(capacity * 0.999, r), self_hosted_monthly(capacity * 1.001, r)
    assert above - below == pytest.approx(2 * 2 * 730)  # one more replica of two GPUs
    assert self_hosted_monthly(capacity * 0.2, r) == self_hosted_monthly(capacity * 0.9, r)  # flat within a step
    volumes = [10 ** (5 + i / 10) for i in range(51)]
    costs = [self_hosted_monthly(v, r) for v in volumes]
    assert costs == sorted(costs)


@given(
    st.floats(0.05, 0.9),
    st.floats(0.5, 20),
    st.floats(100, 100_000),
    st.integers(1, 4),
    st.floats(0, 3),
)
def test_at_the_break_even_both_costs_agree_within_one_percent(output_share, hourly, throughput, min_replicas, engineers):
    r = report(
        tokens_per_day=1_000_000,
        output_share=output_share,
        gpu_hourly_usd=hourly,
        throughput_tokens_per_s=throughput,
        min_replicas=min_replicas,
        engineers=engineers,
    )
    be = r.break_even_tokens_per_day
    if be is None:
        assert r.break_even_reason
        return
    at = report(
        tokens_per_day=be,
        output_share=output_share,
        gpu_hourly_usd=hourly,
        throughput_tokens_per_s=throughput,
        min_replicas=min_replicas,
        engineers=engineers,
    )
    assert at.self_hosted.monthly_usd == pytest.approx(at.closed_api.monthly_usd, rel=0.01)
    # and below it the API is cheaper
    before = report(tokens_per_day=be * 0.9, output_share=output_share, gpu_hourly_usd=hourly, throughput_tokens_per_s=throughput, min_replicas=min_replicas, engineers=engineers)
    assert before.closed_api.monthly_usd < before.self_hosted.monthly_usd


def test_no_break_even_when_a_full_replica_costs_more_than_the_api():
    r = report(tokens_per_day=1e6, gpu_hourly_usd=1000, throughput_tokens_per_s=1)
    assert r.break_even_tokens_per_day is None
    assert "never catches up" in r.break_even_reason


def test_no_break_even_in_range_when_fixed_costs_are_huge():
    r = report(tokens_per_day=1e6, engineers=1000, engineer_yearly_usd=1e7, throughput_tokens_per_s=1e8)
    assert r.break_even_tokens_per_day is None
    assert "10 billion tokens a day" in r.break_even_reason


def test_model_without_throughput_is_not_costed_but_says_why():
    r = report(tokens_per_day=1e6, open_model="open-frontier")
    assert not r.self_hosted.available and r.self_hosted.monthly_usd is None
    assert "no sourced throughput for open-frontier on gpu-b" in r.self_hosted.detail
    assert report(tokens_per_day=1e6, open_model="open-frontier", throughput_tokens_per_s=5000).self_hosted.available


def test_volume_follows_the_answer_and_peak_follows_the_traffic_shape():
    r = report({"daily_tokens": "10m_to_100m", "traffic_shape": "spiky"})
    assert r.tokens_per_day == 30_000_000
    assumed = {a.name: (a.value, a.source) for a in r.assumptions}
    assert assumed["peak_factor"][0] == 4 and "traffic_shape: spiky" in assumed["peak_factor"][1]
    assert "daily_tokens: 10m_to_100m" in assumed["tokens_per_day"][1]


def test_every_assumption_is_listed_with_a_source():
    r = report(tokens_per_day=1e6)
    names = {a.name for a in r.assumptions}
    assert {"tokens_per_day", "output_share", "closed_model", "closed_price_usd_per_mtok", "open_model", "gpu", "gpu_hourly_usd", "gpus_per_replica", "throughput_tokens_per_s", "engineers", "engineer_yearly_usd", "peak_factor", "min_replicas"} <= names
    assert all(a.source for a in r.assumptions)


def test_curves_span_the_range_and_include_the_step_edges():
    rows = curves(CostInputs(), {}, SMALL, DATA)
    xs = [r["tokens_per_day"] for r in rows]
    assert min(xs) == pytest.approx(1e5) and max(xs) == pytest.approx(1e10)
    assert any(abs(x - 43_200_000) < 1 for x in xs)  # a replica edge


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"tokens_per_day": -1}, "tokens_per_day", "greater than or equal to 0"),
        ({"output_share": 1.5}, "output_share", "less than or equal to 1"),
        ({"frontier_share": "lots"}, "frontier_share", "valid number"),
        ({"colour": "red"}, "colour", "unknown cost input"),
        ("cheap", "costs", "must be a mapping"),
    ],
)
def test_bad_cost_inputs_name_the_field(data, field, message):
    with pytest.raises(InvalidCostInput) as info:
        parse_cost_inputs(data)
    assert info.value.field == field and message in info.value.message


def test_unknown_models_and_gpus_name_the_field():
    with pytest.raises(InvalidCostInput) as info:
        report(closed_model="open-text")
    assert info.value.field == "closed_model"
    with pytest.raises(InvalidCostInput) as info:
        report(gpu="tpu")
    assert info.value.field == "gpu"


def test_cost_data_checks_its_references():
    raw = read_data_file(ROOT / "tests" / "fixtures_costs.yaml")
    raw["footprints"][0]["gpu"] = "gpu-z"
    with pytest.raises(InvalidData) as info:
        parse_cost_data(raw, "x", SMALL)
    assert "footprints[0] (open-text).gpu: unknown GPU 'gpu-z'" in str(info.value)


# ---------------------------------------------------------------------- the shipped data
def test_shipped_cost_data_is_valid_and_sourced():
    data = load_cost_data()
    assert data.gpus and data.footprints
    for g in data.gpus:
        assert all(p.source.startswith("http") and p.checked for p in g.prices)
    for f in data.footprints:
        assert f.sources and f.basis and f.throughput_basis


def test_seed_crossover_lies_between_10m_and_100m_tokens_a_day():
    """The seeds: crossover "around 10M-100M tokens/day" for a typical setup; closed frontier
    output at $25-30 per million; open weights 10-13× cheaper; 1-3 engineers to run serving.

    Inputs stated here: a frontier closed model at $5 / $25 per million (Claude Opus 4.8, the
    seed's $25 output price), a strong open-weight model on one rented 80 GB GPU per replica
    (gpt-oss-120b on an H100), two replicas at the least, one engineer at $200,000 a year,
    steady traffic, a quarter of tokens output.
    """
    r = cost_report(
        CostInputs(tokens_per_day=30_000_000, closed_model="claude-opus-4-8", open_model="gpt-oss-120b", gpu="h100-80gb", engineers=1, engineer_yearly_usd=200_000, min_replicas=2, output_share=0.25),
        {"traffic_shape": "steady"},
    )
    assert 10_000_000 <= r.break_even_tokens_per_day <= 100_000_000


def test_default_setup_has_a_meaningful_break_even():
    r = cost_report(CostInputs(tokens_per_day=1e6), {})
    assert r.break_even_tokens_per_day is not None
    assert 1e6 < r.break_even_tokens_per_day < 1e10


# ---------------------------------------------------------------------- the CLI
def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_cli_cost_json_has_the_public_keys():
    code, out, err = run("cost", "--tokens-per-day", "30000000", "--json")
    data = json.loads(out)
    assert code == 0
    for key in ("closed_api", "rented_open", "self_hosted", "hybrid"):
        assert "monthly_usd" in data[key] and ("model" in data[key] or "gpu" in data[key])
    assert data["self_hosted"]["gpu"] == "h100-80gb"
    assert isinstance(data["break_even_tokens_per_day"], (int, float))
    assert all({"name", "value", "source"} <= set(a) for a in data["assumptions"])


def test_cli_cost_flags_reach_the_model():
    code, out, _ = run("cost", "--tokens-per-day", "1000000", "--engineers", "0", "--frontier-share", "0.5", "--output-share", "0.5", "--json")
    data = json.loads(out)
    assert code == 0
    assumed = {a["name"]: a["value"] for a in data["assumptions"]}
    assert assumed["engineers"] == 0 and assumed["frontier_share"] == 0.5 and assumed["output_share"] == 0.5


def test_cli_cost_readable_output():
    code, out, _ = run("cost", "--tokens-per-day", "5e7")
    assert code == 0 and "Break-even, self-hosted vs closed API:" in out and "Assumptions:" in out


@pytest.mark.parametrize(
    "args,flag,message",
    [
        (["--tokens-per-day", "-5"], "--tokens-per-day", "must be between 0"),
        (["--tokens-per-day", "lots"], "--tokens-per-day", "must be a number, got 'lots'"),
        (["--tokens-per-day", "nan"], "--tokens-per-day", "must be between"),
        (["--tokens-per-day", "1e6", "--output-share", "1.5"], "--output-share", "must be between 0 and 1"),
        (["--tokens-per-day", "1e6", "--frontier-share", "-0.1"], "--frontier-share", "must be between 0 and 1"),
        (["--tokens-per-day", "1e6", "--closed", "gpt-7"], "--closed", "unknown closed model 'gpt-7'"),
        (["--tokens-per-day", "1e6", "--open", "claude-opus-5-5"], "--open", "unknown open-weight model"),
        (["--tokens-per-day", "1e6", "--gpu", "tpu-v9"], "--gpu", "unknown GPU 'tpu-v9'"),
        (["--tokens-per-day", "1e6", "--engineers", "x"], "--engineers", "must be a number"),
        (["--output-share", "0.5"], "--tokens-per-day", "required"),
    ],
)
def test_cli_cost_bad_input_exits_2_with_one_line(args, flag, message, capsys):
    code, out, err = run("cost", *args)
    captured = capsys.readouterr()  # argparse writes its own errors to the real stderr
    text = (err + captured.err).strip()
    assert code == 2 and out == ""
    assert len(text.splitlines()) == 1, text
    assert flag in text and message in text


def test_answers_file_carries_cost_inputs(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("profile: hybrid_router\ncosts:\n  tokens_per_day: 50000000\n  engineers: 2\n")
    code, out, err = run("recommend", str(f), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["costs"]["tokens_per_day"] == 50_000_000
    cost_reason = next(r for r in data["reasons"] if r.get("kind") == "cost")
    assert "50 million tokens a day" in cost_reason["text"] and "$" in cost_reason["text"]


def test_answers_file_with_bad_cost_input_is_refused(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("costs:\n  output_share: 2\n")
    code, out, err = run("recommend", str(f))
    assert code == 2 and "costs.output_share" in err and len(err.strip().splitlines()) == 1
    f.write_text("costs:\n  closed_model: gpt-7\n")
    code, out, err = run("recommend", str(f))
    assert code == 2 and "unknown closed model 'gpt-7'" in err


@pytest.mark.parametrize("tokens, text", [(422_500_000, "420M"), (4_869_000_000, "4.9B"), (1_500_000, "1.5M"), (850_000, "850k"), (10_000_000, "10M"), (999, "999")])
def test_chart_labels_give_volumes_in_two_significant_figures(tokens, text):
    from grid.options import tokens_short

    assert tokens_short(tokens) == text


@given(st.floats(min_value=1_000, max_value=1e12))
def test_a_short_volume_is_within_five_percent_of_the_volume(tokens):
    from grid.options import tokens_short

    text = tokens_short(tokens)
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}[text[-1]]
    assert abs(float(text[:-1]) * scale - tokens) <= 0.05 * tokens
    assert "," not in text and len(text) <= 5
