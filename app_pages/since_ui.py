"""The "Since this decision" panel on the Result step: an assessment made with an older catalog
(its link's ``cd``, its file's ``catalog_date``) says what changed since and whether the call,
the deployment or the cost would change today. The work is ``grid.since``; this only draws it."""

from __future__ import annotations

import functools

import streamlit as st

from app_pages.md import md_escape, md_url
from app_pages.url_state import catalog, catalog_version, current_state, today, use_todays_catalog
from grid.changes import load_changelog
from grid.errors import InvalidData
from grid.since import SinceReport, since_report

SHOWN = 8  # catalog lines shown before the rest go into an expander


class _Carry:
    """Carries the state and the assessment into the cache beside their key (equal to any other)."""

    __slots__ = ("state", "assessment")

    def __init__(self, state, assessment):  # noqa: ANN001
        self.state, self.assessment = state, assessment

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Carry)

    def __hash__(self) -> int:
        return 0


@functools.lru_cache(maxsize=64)
def _report(key: tuple, carry: _Carry):  # -> Optional[SinceReport]
    """The report is a pure function of the inputs, the catalog date, the recorded figures and
    the day (all in ``key``): reruns that change nothing else reuse it."""
    try:
        changelog = load_changelog()
    except InvalidData:
        return None
    return since_report(carry.state, catalog=catalog(), changelog=changelog, today=key[-1], now=carry.assessment)


def report_for(state, assessment):  # noqa: ANN001 -> Optional[SinceReport]
    figures = state.figures.model_dump_json() if state.figures is not None else None
    key = (tuple(state.answers.items()), tuple(state.checklist.items()), tuple(sorted(state.costs.items())), state.catalog_date, figures, today())
    return _report(key, _Carry(state, assessment))


def render_since(assessment) -> None:  # noqa: ANN001 - an Assessment
    """Above the result's tabs: nothing for an assessment made with today's catalog; a caption
    when its catalog date is unknown or newer; the panel when it is older."""
    version = catalog_version()
    state = current_state()
    if version is None:
        return
    day = state.catalog_date
    if day is None:
        st.caption(
            f"This link or file does not say which catalog it was made with (those made before catalog dates were recorded do not). "
            f"The result uses today's catalog, dated {version.isoformat()}."
        )
        return
    if day > version:
        st.caption(f"This assessment was made with a newer catalog (dated {day.isoformat()}) than this app's (dated {version.isoformat()}); the result uses this app's.")
        return
    if day == version:
        return
    report = report_for(state, assessment)
    if report is None:
        return
    render_report(report)


def render_report(report: SinceReport) -> None:
    with st.container(border=True, key="since_panel"):
        st.markdown(f"#### Since this decision ({report.since.isoformat()})")
        basis = (
            "the figures recorded in its file"
            if report.basis == "recorded"
            else "the catalog as it stood then, rebuilt from the catalog's changelog"
        )
        st.markdown(
            f"This assessment was made with the catalog of **{report.since.isoformat()}**; the result above uses today's, "
            f"dated **{report.catalog_date.isoformat()}** ({report.changes} change{'s' if report.changes != 1 else ''} since). "
            f"Compared with {basis}:"
        )
        st.markdown("\n".join(f"- {'**' if v.changed else ''}{md_escape(v.text)}{'**' if v.changed else ''}" for v in report.verdicts))
        if report.before_changelog:
            st.caption(f"The changelog starts on {report.before_changelog.isoformat()}; changes before it are not known.")
        core = [x for x in report.lines if x.core]
        rest = [x for x in report.lines if not x.core]
        shown, more = (core or rest)[:SHOWN], (core or rest)[SHOWN:] + (rest if core else [])
        if shown:
            st.markdown("**Catalog changes that touch this result**")
            st.markdown(_bullets(shown))
        if more:
            with st.expander(f"{len(more)} more change{'s' if len(more) != 1 else ''} to the models it shortlisted or costed"):
                st.markdown(_bullets(more))
        st.button(
            "Re-run with today's catalog",
            key="since_rerun",
            type="primary",
            on_click=use_todays_catalog,
            help="Keeps your answers and records today's catalog date in the link, so this panel goes away",
        )


def _bullets(lines) -> str:  # noqa: ANN001
    def sources(x) -> str:  # noqa: ANN001
        more = "".join(f", [{i}]({md_url(u)})" for i, u in enumerate(x.also, 2))
        return f"[source]({md_url(x.source)}){more}"

    return "\n".join(f"- {md_escape(x.text)} ({sources(x)}, {x.day.isoformat()})" for x in lines)
