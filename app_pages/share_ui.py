"""Share and export: title, notes, revisit date, the link, the saved file, the PDF and the
decision record; and restoring a saved assessment from a file."""

from __future__ import annotations

import re
from datetime import date

import streamlit as st
import yaml

from app_pages import ui
from grid.answers import NOTES_MAX, TITLE_MAX, parse_answer_file
from grid.errors import GridError, InvalidAnswers, InvalidData
from grid.yamlio import parse_text

MAX_UPLOAD_BYTES = 64 * 1024


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug[:60] or "llm-decision"


# ----------------------------------------------------------------------------- upload
def read_upload(name: str, data: bytes):  # -> tuple[AnswerFile | None, str]
    """Validate an uploaded file as a whole: the state and a message, or None and what was wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        return None, f"{name} is {len(data):,} bytes; a saved assessment is at most {MAX_UPLOAD_BYTES:,}. Nothing was changed."
    try:
        text = data.decode("utf-8")
        raw = parse_text(text, name, as_json=name.lower().endswith(".json"))
        state = parse_answer_file(raw, ui.questionnaire(), ui.profiles())
    except UnicodeDecodeError:
        return None, f"{name} is not UTF-8 text. Nothing was changed."
    except InvalidData as e:
        return None, f"{name}: " + "; ".join(e.problems) + ". Nothing was changed."
    except InvalidAnswers as e:
        return None, f"{name}: " + "; ".join(p.message for p in e.problems) + ". Nothing was changed."
    except GridError as e:
        return None, f"{name}: {e}. Nothing was changed."
    return state, f"Restored {name}: {len(state.answers)} answers" + (f", “{state.title}”" if state.title else "") + "."


def restore_upload() -> None:
    """Callback of the uploader: restore the file only if every part of it is valid."""
    ss = st.session_state
    uploaded = ss.get("upload")
    if uploaded is None:
        return
    state, message = read_upload(uploaded.name, uploaded.getvalue())
    if state is not None:
        ui.apply_state(state)
    ss["_upload_result"] = ("success" if state is not None else "error", message)


#: The drop zone states Streamlit's own limit ("1MB per file"; 1 MB is the smallest server.maxUploadSize
#: Streamlit accepts), not the 64 KB this app reads. This rule hides that line in this uploader only and
#: states the real limit instead. The project's own constant text: nothing from a user, a link or a
#: file reaches it, and it holds no script (st.html sends style-only content as a stylesheet).
UPLOAD_LIMIT_CSS = f"""<style>
.st-key-upload [data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
.st-key-upload [data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "{MAX_UPLOAD_BYTES // 1024} KB per file \\2022  YAML, YML, JSON";
  font-size: 0.875rem; line-height: 1.6; color: rgba(0, 0, 0, 0.7);
}}
</style>"""


def render_upload() -> None:
    st.html(UPLOAD_LIMIT_CSS)
    st.file_uploader(
        f"Restore a saved assessment (a YAML or JSON file of at most {MAX_UPLOAD_BYTES // 1024} KB)",
        type=["yaml", "yml", "json"],
        key="upload",
        on_change=restore_upload,
        help=f"A file downloaded from this app (at most {MAX_UPLOAD_BYTES // 1024} KB). It replaces your current answers only if all of it is valid.",
    )
    result = st.session_state.get("_upload_result")
    if result:
        kind, message = result
        (st.success if kind == "success" else st.error)(ui.md_escape(message))


# ----------------------------------------------------------------------------- export
def render_share(assessment) -> None:  # noqa: ANN001 - an Assessment
    from grid.pdf import find_font  # reportlab loads only on this step
    from grid.ics import revisit_ics
    from grid.report import decision_record, pdf_report, revisit_date
    from app_pages.url_state import catalog_version
    from grid.since import saved_assessment

    ss = st.session_state
    st.markdown("#### Share and export")
    c1, c2 = st.columns([3, 1])
    c1.text_input("Title", key="title", max_chars=TITLE_MAX, placeholder="e.g. Support assistant: model choice", help="Shown on the PDF and the decision record")
    today = date.today()
    c2.date_input(
        "Revisit by",
        value=None,
        key="revisit",
        min_value=today,
        format="YYYY-MM-DD",
        help="Default: six months from today. Parity and prices move; re-run the grid every few months.",
    )
    st.text_area("Notes", key="notes", max_chars=NOTES_MAX, height=110, help="Kept in the link, the file, the PDF and the decision record")

    state = ui.current_state()
    link = ui.share_url()
    st.markdown("**Share link** — everything you entered is in it; nothing is stored on the server.")
    st.code(link, language=None, wrap_lines=True)
    if ss.get("_notes_left_out"):
        st.warning("Your notes are too long to fit in a link, so the link leaves them out. Download the file to keep them.")

    c1, c2, c3 = st.columns(3)
    stem = _slug(state.title)
    # the files are built when a button is clicked, not on every rerun
    c1.download_button("Download the assessment (YAML)", data=lambda: yaml.safe_dump(saved_assessment(state, assessment, catalog_version()), sort_keys=False, allow_unicode=True).encode("utf-8"), file_name=f"{stem}.yaml", mime="application/x-yaml", key="dl_yaml", on_click="ignore", wrap=True, help="Restore it on the Start step, or run: python -m grid recommend FILE")
    c2.download_button("Download the decision record (Markdown)", data=lambda: decision_record(state, today=today, base=link, assessment=assessment).encode("utf-8"), file_name=f"{stem}-decision-record.md", mime="text/markdown", key="dl_adr", on_click="ignore", wrap=True, help="An architecture decision record in the MADR layout")
    revisit_day = revisit_date(state, today)
    c1.download_button(f"Add the revisit date to your calendar ({revisit_day.isoformat()}, .ics)", data=lambda: revisit_ics(state, assessment, link, today).encode("utf-8"), file_name=f"{stem}-revisit.ics", mime="text/calendar", key="dl_ics", on_click="ignore", wrap=True, help="An all-day event on the revisit date (iCalendar), with the call, the deployment, its monthly cost and the link, and a reminder the day before")

    fingerprint = link + "|" + revisit_day.isoformat()
    built = ss.get("_pdf")
    if c3.button("Build the PDF summary", key="build_pdf", help="Builds the PDF in a second or so"):
        with st.spinner("Building the PDF…"):
            data = pdf_report(state, today=today, base=link, assessment=assessment)
        ss["_pdf"] = built = (fingerprint, data)
    if built and built[0] == fingerprint:
        c3.download_button("Download the PDF", data=built[1], file_name=f"{stem}.pdf", mime="application/pdf", key="dl_pdf", type="primary", on_click="ignore", wrap=True)
    elif built:
        c3.caption("The answers changed since the PDF was built; build it again.")
    if not find_font().covers_cjk:
        st.caption(
            "No CJK font is installed, so Chinese, Japanese or Korean text cannot be drawn in the PDF. "
            "`make run` installs one (Debian package fonts-wqy-microhei) when it runs as root."
        )
