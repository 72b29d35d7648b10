"""The Compare page: 2–6 share links or saved assessments side by side, the answers that differ,
which of them drive the different calls, and what to agree on. The work is ``grid.compare``'s;
this module reads the inputs, keeps the page's own link, and renders the ``Comparison``.

State: ``compare_entries`` holds the compared assessments as (label, share-link query) pairs. The
page's address holds the same queries (``grid.compare.page_params``). ``sync_compare_url`` reads
the address once per session, and again whenever it is no longer the one this page last wrote
(Back, Forward, an edited address). It writes the entries back on every run. The Assess page's
``sync_url`` leaves this page's address alone (``url_state.OWN_QUERY_PAGES``, by the page's URL path).
"""

from __future__ import annotations

import functools
from datetime import date
import streamlit as st

from app_pages import ui
from app_pages.md import md_escape
from app_pages.share_ui import MAX_UPLOAD_BYTES, read_upload
from grid.compare import (
    COMPARE_KEY,
    MAX_COMPARED,
    MIN_COMPARED,
    PACKED_KEY,
    Comparison,
    compare,
    entry_query,
    markdown,
    move_text,
    page_params,
    read_links,
    read_page_params,
    side_by_side,
)
from grid.cost import load_cost_data
from grid.errors import InvalidComparison
from grid.links import read_link

ENTRIES = "compare_entries"
LINKS = "compare_links"  # the text area: one share link per line
LINKS_KEPT = "_compare_links_text"  # its text, kept while the page is not shown
MESSAGES = "_compare_messages"
UPLOADS = "_compare_upload_n"  # the uploader's key suffix; a new key empties it
PAGE_PATH = "compare"  # this page's URL path (app.py registers app_pages/compare.py)


# ----------------------------------------------------------------------------- links
def app_root() -> str:
    """The app's address without a page or a query: 'http://host:8501/'."""
    from grid.report import base_url

    try:
        url = st.context.url
    except Exception:  # no browser behind this run (a test harness)
        url = None
    root = (url or base_url()).split("?", 1)[0].split("#", 1)[0]
    if root.rstrip("/").endswith("/" + PAGE_PATH):
        root = root.rstrip("/")[: -len(PAGE_PATH)]
    return root if root.endswith("/") else root + "/"


def assess_link(query: str) -> str:
    return f"{app_root()}?{query}"


def comparison_link(queries: list[str]) -> str:
    from grid.compare import page_query

    return f"{app_root()}{PAGE_PATH}?{page_query(queries)}"


def _read_queries(queries: list[str]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Share-link queries as the page's entries (label, canonical query), with warnings and problems."""
    q, profiles = ui.questionnaire(), ui.profiles()
    entries, warnings, problems = read_links(queries, q, profiles, ui.catalog(), load_cost_data())
    return [(label, entry_query(state, q, profiles)) for label, state in entries], warnings, problems


def _set_entries(entries: list[tuple[str, str]]) -> None:
    ss = st.session_state
    ss[ENTRIES] = entries
    ss[LINKS] = ss[LINKS_KEPT] = "\n".join(assess_link(query) for _, query in entries)
    ss[UPLOADS] = ss.get(UPLOADS, 0) + 1  # the files are links now: empty the uploader
    ss.pop("_compare_pdf", None)


def sync_compare_url() -> None:
    """The one sync point between this page's address and the session (see the module's note)."""
    ss = st.session_state
    qp = st.query_params
    params = {k: qp.get_all(k) for k in (COMPARE_KEY, PACKED_KEY) if k in qp}
    moved = "_compare_written" in ss and bool(params) and params != ss["_compare_written"]
    if "_compare_read" not in ss or moved:
        ss["_compare_read"] = True
        if params:
            _load_from_address(params)
    entries = ss.get(ENTRIES, [])
    try:
        written = page_params([query for _, query in entries])
    except InvalidComparison:  # entries are checked against the budget when they arrive
        written = {}
    normal = {k: (v if isinstance(v, list) else [v]) for k, v in written.items()}
    ss["_compare_written"] = normal
    if {k: qp.get_all(k) for k in qp} != normal:
        qp.from_dict(written)


def _load_from_address(params: dict[str, list[str]]) -> None:
    ss = st.session_state
    try:
        queries = read_page_params(params)
    except InvalidComparison as e:
        ss[MESSAGES] = [("error", "The comparison's link was refused; nothing was changed.", [x[:1].upper() + x[1:] + "." for x in e.problems])]
        return
    entries, warnings, problems = _read_queries(queries)
    _set_entries(entries)
    messages = []
    if problems:
        messages.append(("error", "Some links in this comparison's address could not be read; the others were loaded.", problems))
    if warnings:
        messages.append(("warning", "Parts of some links could not be used; everything else was loaded.", warnings))
    ss[MESSAGES] = messages


# ----------------------------------------------------------------------------- callbacks
def keep_links_text() -> None:
    st.session_state[LINKS_KEPT] = st.session_state.get(LINKS, "")


def run_compare() -> None:
    """The Compare button: read every pasted link and uploaded file; compare them only if all can
    be read, there are 2 to 6, and the page's link can hold them. Otherwise change nothing."""
    ss = st.session_state
    q, profiles = ui.questionnaire(), ui.profiles()
    texts = [line for line in (ss.get(LINKS) or "").splitlines() if line.strip()]
    entries, warnings, problems = read_links(texts, q, profiles, ui.catalog(), load_cost_data())
    pairs = [(label, entry_query(state, q, profiles)) for label, state in entries]
    for f in ss.get(f"compare_files_{ss.get(UPLOADS, 0)}") or []:
        state, message = read_upload(f.name, f.getvalue())
        if state is None:
            problems.append(message)
        else:
            pairs.append((f.name, entry_query(state, q, profiles, name=f.name)))
    if not problems and not MIN_COMPARED <= len(pairs) <= MAX_COMPARED:
        problems.append(f"A comparison takes {MIN_COMPARED} to {MAX_COMPARED} assessments; {len(pairs)} {'was' if len(pairs) == 1 else 'were'} given.")
    if not problems:
        try:
            page_params([query for _, query in pairs])
        except InvalidComparison as e:
            problems += [x[:1].upper() + x[1:] + "." for x in e.problems]
    if problems:
        ss[MESSAGES] = [("error", "Nothing was compared; the comparison below is unchanged.", problems)]
        return
    _set_entries(pairs)
    ss[MESSAGES] = [("warning", "Parts of some links could not be used; everything else was compared.", warnings)] if warnings else []


def clear_all() -> None:
    _set_entries([])
    st.session_state[MESSAGES] = []


# ----------------------------------------------------------------------------- the comparison
@functools.lru_cache(maxsize=64)
def comparison_of(entries: tuple[tuple[str, str], ...], day: date) -> Comparison:
    """The comparison of the entries (label, canonical share-link query): a pure function of
    them and the date, so each set is assessed once per process. Callers only read it."""
    q, profiles, catalog = ui.questionnaire(), ui.profiles(), ui.catalog()
    states = [(label, read_link(query, q, profiles, catalog, load_cost_data()).state) for label, query in entries]
    return compare(states, today=day, questionnaire=q, catalog=catalog)


def marked_table(header: list[str], rows: list[list[str]], bold: list[bool]) -> str:
    """A Markdown table whose cells are shown literally (escaped), the rows marked in ``bold`` in bold."""

    def cell(text: str, strong: bool) -> str:
        body = md_escape(" ".join(str(text).split()))
        return f"**{body}**" if strong and body else body

    lines = ["| " + " | ".join(cell(h, False) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c, b) for c in row) + " |" for row, b in zip(rows, bold)]
    return "\n".join(lines)


def _md(text: str, key: str) -> None:
    """Markdown in a keyed container, so that a browser test finds it by its ``st-key-`` class."""
    with st.container(key=key):
        st.markdown(text)


def render_messages() -> None:
    for kind, head, items in st.session_state.get(MESSAGES) or []:
        text = f"**{md_escape(head)}**\n\n" + "\n".join(f"- {md_escape(x)}" for x in items)
        (st.error if kind == "error" else st.warning)(text, icon=":material/link_off:" if kind == "error" else ":material/link:")


def render_inputs(open_: bool) -> None:
    ss = st.session_state
    if LINKS not in ss:
        ss[LINKS] = ss.get(LINKS_KEPT, "")
    with st.expander(f"The {MIN_COMPARED} to {MAX_COMPARED} assessments to compare", expanded=open_, icon=":material/group:"):
        st.text_area(
            "Share links, one per line",
            key=LINKS,
            height=140,
            on_change=keep_links_text,
            placeholder="http://localhost:8501/?v=1&profile=ship_fast&title=Alice\nhttp://localhost:8501/?v=1&profile=hybrid_router&title=Bob",
            help="Each person's link from the Result step's Share and export tab (the whole address, or only what follows the ?).",
        )
        st.file_uploader(
            f"Or saved assessments (YAML or JSON files of at most {MAX_UPLOAD_BYTES // 1024} KB each)",
            type=["yaml", "yml", "json"],
            accept_multiple_files=True,
            key=f"compare_files_{ss.get(UPLOADS, 0)}",
            help="Files downloaded from the Result step. Each becomes a link in the list above once compared.",
        )
        left, right = st.columns([1, 1])
        left.button("Compare", key="compare_go", type="primary", on_click=run_compare, help="Reads every link and file; changes nothing unless all of them can be read")
        if ss.get(ENTRIES):
            right.button("Clear", key="compare_clear", on_click=clear_all, help="Start a new comparison")


def render_comparison(c: Comparison, queries: list[str]) -> None:
    ss = st.session_state
    _md(md_escape(c.summary()), "compare_summary")
    for p in c.people:
        if p.cost_problem:
            st.warning(f"{md_escape(p.name)}: {md_escape(p.cost_problem)}", icon=":material/warning:")

    st.header("Side by side")
    table = side_by_side(c)
    _md(marked_table(table[0], table[1:], [row[0] == "Call" for row in table[1:]]), "compare_side_by_side")

    st.header("What drives the different calls")
    if c.drivers:
        lines = []
        for r in c.drivers:
            lines.append(f"- **{md_escape(r.label)}**: {md_escape(c.values_text(r))}.")
            lines += [f"    - {md_escape(move_text(m)[:1].upper() + move_text(m)[1:])}" for m in r.moves]
        _md("\n".join(lines), "compare_drivers")
    elif c.same_call:
        _md("Everyone reaches the same call.", "compare_drivers")
    else:
        _md("No single answer that differs moves one person's call to another's: the calls differ through several answers together.", "compare_drivers")

    st.header("To agree on")
    if c.to_agree_on:
        items = [f"{i}. {md_escape(r.label)}" + (" — **drives the call**" if r.driver else "") for i, r in enumerate(c.to_agree_on, 1)]
        _md("\n".join(items), "compare_agree")
    else:
        _md("Nothing: every answer given is the same.", "compare_agree")

    st.header("Answers")
    only = st.toggle("Only the answers that differ", key="compare_only_diff", help="Hide the answers everyone gave alike")
    rows = [r for r in c.rows if r.differs or not only]
    st.caption(f"{len(c.differences)} of the {len(c.rows)} answers given differ: in bold and marked ≠. Unanswered questions are left out.")
    _md(
        marked_table(["Differs", "Question", *c.names], [["≠" if r.differs else "", r.label, *r.value_labels] for r in rows], [r.differs for r in rows]),
        "compare_answers",
    )

    st.header("Share and export")
    link = comparison_link(queries)
    st.markdown("**Link to this comparison**: it restores these assessments, anywhere.")
    st.code(link, language=None, wrap_lines=True)
    today = ui.today()
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the comparison (Markdown)",
        data=lambda: markdown(c, link=link, today=today).encode("utf-8"),
        file_name="llm-decision-comparison.md",
        mime="text/markdown",
        key="compare_dl_md",
        on_click="ignore",
    )
    built = ss.get("_compare_pdf")
    if c2.button("Build the PDF", key="compare_build_pdf", help="Builds the PDF in a second or so"):
        from grid.compare_pdf import build_compare_pdf  # reportlab loads only when a PDF is asked for

        with st.spinner("Building the PDF…"):
            ss["_compare_pdf"] = built = (link, build_compare_pdf(c, link=link, today=today))
    if built and built[0] == link:
        c2.download_button("Download the PDF", data=built[1], file_name="llm-decision-comparison.pdf", mime="application/pdf", key="compare_dl_pdf", type="primary", on_click="ignore")


def main() -> None:
    ui.init_state()
    sync_compare_url()
    ss = st.session_state
    entries: list[tuple[str, str]] = list(ss.get(ENTRIES, []))
    ready = MIN_COMPARED <= len(entries) <= MAX_COMPARED
    st.title("Compare")
    st.caption(
        "Several people answered the questionnaire and disagree? Paste their share links (or upload their saved "
        "files) to see each call side by side, the answers that differ, which of them drive the different calls, "
        "and what to agree on first. Notes are not compared."
    )
    render_inputs(open_=not ready)
    render_messages()
    if not ready:
        if entries:
            st.info(f"{len(entries)} assessment loaded; add at least one more link or file and press Compare.", icon=":material/group_add:")
        else:
            st.info(f"Paste {MIN_COMPARED} to {MAX_COMPARED} share links, one per line, or upload saved assessments, then press Compare.", icon=":material/group:")
        return
    c = comparison_of(tuple(entries), ui.today())
    render_comparison(c, [query for _, query in entries])
