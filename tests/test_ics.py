"""The revisit reminder (grid/ics.py): an RFC 5545 calendar file, read back with the maintained
`icalendar` parser from PyPI (pinned in requirements.txt), never with our own code."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from grid.answers import AnswerFile
from grid.cli import main
from grid.engine import REC_LABEL
from grid.ics import UID_DOMAIN, clean_text, revisit_ics, uid
from grid.options import money
from grid.profiles import load_profiles
from grid.report import assessment_of, revisit_date, share_link
from tests.test_app import app_with_link, open_tab

P = load_profiles()
TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 9, 30, 15, tzinfo=timezone.utc)
BASE = AnswerFile(profile="hybrid_router", answers=dict(P["hybrid_router"].answers), checklist=dict(P["hybrid_router"].checklist))
ASSESSMENT = assessment_of(BASE, TODAY)  # the title does not change the assessment, so one serves every title below
TRICKY_TITLES = [
    "Router review, Q1; EU only",
    "Line one\nline two\nline three",
    "Rocket 🚀, family 👨‍👩‍👧‍👦 and flags 🇪🇺; done",
    "Back\\slash, C:\\next and a\\;b",
    "千问 and Ünïcödé — “quotes”",
    "x" * 200,
    "é" * 199 + "🚀",
]


def state_with(title: str, **more) -> AnswerFile:
    return BASE.model_copy(update={"title": title, **more})


def ics_of(state: AnswerFile, now: datetime = NOW) -> str:
    return revisit_ics(state, ASSESSMENT, share_link(state), TODAY, now=now)


def event(text: str):
    cal = Calendar.from_ical(text.encode("utf-8"))
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_the_reminder_parses_back_with_every_field_equal_to_its_input(title):
    state = state_with(title)
    link = share_link(state)
    cal, ev = event(ics_of(state))
    day = revisit_date(state, TODAY)
    assert str(cal["VERSION"]) == "2.0" and "decision grid" in str(cal["PRODID"])
    assert str(ev["SUMMARY"]) == title
    assert ev["DTSTART"].dt == day and type(ev["DTSTART"].dt) is date  # all-day: a DATE, not a DATE-TIME
    assert ev["DTEND"].dt == day + timedelta(days=1)
    assert ev["DTSTAMP"].dt == NOW and ev["DTSTAMP"].dt.utcoffset() == timedelta(0)
    assert str(ev["URL"]) == link
    assert str(ev["UID"]) == uid(link, day) and str(ev["UID"]).endswith("@" + UID_DOMAIN)
    description = str(ev["DESCRIPTION"])
    r = ASSESSMENT.result
    chosen = getattr(ASSESSMENT.costs, r.deployment_option)
    assert f"Revisit this decision: {title}\n" in description
    assert f"Call: {REC_LABEL[r.recommendation]}. {r.headline}." in description
    assert f"Deployment: {chosen.label} ({chosen.model}), bought from {chosen.seller_name}." in description
    assert f"Monthly cost: {money(chosen.monthly_usd)} a month" in description
    assert description.endswith(f"Link: {link}")
    alarm = ev.walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm["TRIGGER"].dt == timedelta(days=-1)


def test_hybrid_router_reminder_states_the_call_and_both_costs():
    _, ev = event(ics_of(state_with("Router review")))
    description = str(ev["DESCRIPTION"])
    assert "Call: Hybrid router." in description
    assert "Monthly cost: $641 a month, against $240 for the best allowed alternative (open weights, rented)." in description


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_lines_end_in_crlf_and_fold_at_75_octets_between_characters(title):
    raw = ics_of(state_with(title)).encode("utf-8")
    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    assert not any(b"\n" in line or b"\r" in line for line in lines)  # no bare line ends
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # each physical line is whole UTF-8: no sequence was cut by a fold
    summary = [i for i, line in enumerate(lines) if line.startswith(b"SUMMARY:")][0]
    if len(f"SUMMARY:{title}".encode("utf-8")) > 75:
        assert lines[summary + 1].startswith(b" ")  # folded: the continuation starts with one space


def test_text_is_escaped_on_the_wire_as_rfc_5545_says():
    text = ics_of(state_with("a,b;c\\d\ne"))
    assert "\r\nSUMMARY:a\\,b\\;c\\\\d\\ne\r\n" in text
    assert "\r\nURL:" + share_link(state_with("a,b;c\\d\ne")) in text.replace("\r\n ", "")  # a URI is not escaped


def test_control_characters_are_dropped_and_line_ends_normalised():
    _, ev = event(ics_of(state_with("a\x00b\x1bc\r\nd\re\tf")))
    assert str(ev["SUMMARY"]) == "abc\nd\ne\tf" == clean_text("a\x00b\x1bc\r\nd\re\tf")


def test_an_empty_title_still_gives_a_summary():
    _, ev = event(ics_of(state_with("")))
    assert str(ev["SUMMARY"]) == "Revisit the open / closed LLM decision (hybrid router)"


def test_the_uid_is_stable_and_changes_with_the_link_or_the_date():
    first, again = event(ics_of(state_with("A")))[1], event(ics_of(state_with("A"), now=NOW + timedelta(hours=5)))[1]
    assert first["UID"] == again["UID"]  # a re-import updates the same event
    assert event(ics_of(state_with("B")))[1]["UID"] != first["UID"]
    assert event(ics_of(state_with("A", revisit=date(2027, 3, 1))))[1]["UID"] != first["UID"]


def test_a_chosen_revisit_date_is_the_event_day_and_dtstamp_is_utc_from_any_zone():
    local = datetime(2026, 12, 1, 23, 45, tzinfo=timezone(timedelta(hours=-5)))
    text = ics_of(state_with("A", revisit=date(2027, 2, 28)), now=local)
    _, ev = event(text)
    assert ev["DTSTART"].dt == date(2027, 2, 28) and ev["DTEND"].dt == date(2027, 3, 1)
    assert "\r\nDTSTAMP:20261202T044500Z\r\n" in text


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n,;\\:\"🚀"), min_size=1, max_size=300))
def test_any_title_comes_back_as_the_summary(title):
    if not title.strip():
        return  # a blank title takes the default summary (tested above)
    text = ics_of(state_with(title))
    assert max(len(line) for line in text.encode("utf-8").split(b"\r\n")) <= 75
    assert str(event(text)[1]["SUMMARY"]) == title


@PROPERTY
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120))
def test_any_title_with_control_characters_comes_back_cleaned(title):
    if not clean_text(title).strip():
        return
    assert str(event(ics_of(state_with(title)))[1]["SUMMARY"]) == clean_text(title)


def test_cli_report_writes_the_reminder(tmp_path):
    import io

    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "revisit.ics"
    code = main(["report", "--link", "v=1&profile=ship_fast&title=Chat, v2", "-o", str(target)], out=out, err=err)
    assert code == 0 and f"wrote {target}" in out.getvalue()
    _, ev = event(target.read_text(encoding="utf-8"))
    assert str(ev["SUMMARY"]) == "Chat, v2"
    assert ev["DTSTART"].dt == revisit_date(AnswerFile(answers={}, checklist={}), date.today())
    assert "Call: Closed API." in str(ev["DESCRIPTION"]) and "profile=ship_fast" in str(ev["URL"])


def test_cli_report_still_refuses_other_suffixes(tmp_path):
    import io

    err = io.StringIO()
    code = main(["report", "--link", "v=1&profile=ship_fast", "-o", str(tmp_path / "x.txt")], out=io.StringIO(), err=err)
    assert code == 2 and "or .ics for the revisit reminder" in err.getvalue()


def test_the_share_tab_offers_the_reminder_for_download():
    at = app_with_link({"v": "1", "profile": "hybrid_router", "revisit": "2027-03-01", "step": "result"})
    assert not any(b.key == "dl_ics" for b in at.get("download_button"))  # only the open tab is drawn
    open_tab(at, "Share and export")
    button = next(b for b in at.get("download_button") if b.key == "dl_ics")
    assert button.label == "Add the revisit date to your calendar (2027-03-01, .ics)"
    assert button.proto.ignore_rerun  # on_click="ignore": a download never races a rerun
    assert button.proto.deferred_file_id  # the file is built on click, not on every rerun
