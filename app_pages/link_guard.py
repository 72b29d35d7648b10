"""Links with more query parameters than Streamlit passes on to the app.

Streamlit ignores a whole query string with more than 1,000 parameters (or more than 512 Ki
characters) before the script runs: ``st.query_params`` is then empty, ``st.context`` holds no
query, and only the server's log says why. The app took such a link for a bare visit and wrote a
fresh link over it, so the user lost it without a word.

``install`` wraps Streamlit's filter (``sanitize_query_string``, in the two modules that call it):
a query it would drop reaches the app as one parameter instead, ``RAW`` holding the query itself
when it is within the link budget (``grid.links.MAX_QUERY_BYTES``), else ``DROPPED`` holding its
size and its number of parameters. ``read_params`` reads either with the link reader, which loads
what is valid and says how many parameters the link had, or why it was refused.

The wrapper is installed when this module is first imported, in the first script run of the
process; that run's own query was filtered before it. ``recheck_first_visit`` covers those
sessions: the browser still has the address, and reloads the page once if it holds such a query.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Mapping

from grid.links import MANY_PARAMS, MAX_QUERY_BYTES, LinkReading, count_params, encode_query, too_long

RAW = "_grid_link"  # the whole query that Streamlit would have dropped
DROPPED = "_grid_link_dropped"  # "<bytes>,<parameters>" of one too long to pass on
STREAMLIT_MAX_CHARS = 512 * 1024  # Streamlit's other limit, which the browser check repeats
RECHECK_SECONDS = 60  # sessions that may have arrived before the wrapper was installed

_log = logging.getLogger(__name__)


def _pass_on(query: str) -> str:
    """The query the app receives in place of one that Streamlit dropped."""
    if len(query) <= MAX_QUERY_BYTES:
        return encode_query({RAW: query})
    return encode_query({DROPPED: f"{len(query)},{count_params(query)}"})


def _wrap(sanitize: Callable[[str], str]) -> Callable[[str], str]:
    if getattr(sanitize, "grid_link_guard", False):
        return sanitize

    def keep_dropped_links(query_string: str) -> str:
        kept = sanitize(query_string)
        if kept or not query_string:
            return kept
        return _pass_on(query_string)

    keep_dropped_links.grid_link_guard = True  # type: ignore[attr-defined]
    keep_dropped_links.__wrapped__ = sanitize  # type: ignore[attr-defined]
    return keep_dropped_links


def install() -> bool:
    """Wrap Streamlit's query filter wherever it is called; False (and a log line) if this
    Streamlit no longer has it where expected, so that the guard's test fails on an upgrade."""
    try:
        from streamlit.runtime import app_session
        from streamlit.runtime.state import query_params
    except ImportError:
        _log.warning("link guard: Streamlit's modules moved; links over %d parameters are dropped without a message", MANY_PARAMS)
        return False
    ok = True
    for module in (app_session, query_params):
        sanitize = getattr(module, "sanitize_query_string", None)
        if sanitize is None:
            ok = False
            continue
        module.sanitize_query_string = _wrap(sanitize)
    if not ok:
        _log.warning("link guard: Streamlit has no sanitize_query_string; links over %d parameters are dropped without a message", MANY_PARAMS)
    return ok


def _serving() -> bool:
    """Whether this process is a Streamlit server (not a test harness), so that browsers may have
    arrived before ``install``."""
    from streamlit import config, runtime

    return runtime.exists() and not config.get_option("global.appTest")


INSTALLED = install()
RECHECK_UNTIL = time.monotonic() + RECHECK_SECONDS if _serving() else 0.0


def dropped(params: Mapping[str, Any]) -> bool:
    """Whether these query parameters stand for a link that Streamlit would have dropped."""
    return RAW in params or DROPPED in params


def read_params(params: Mapping[str, Any], read: Callable[[Any], LinkReading]) -> LinkReading:
    """``read`` (the link reader) applied to Streamlit's query parameters, or to the query they
    stand for when Streamlit would have dropped it."""
    if DROPPED in params:
        size, _, count = str(params[DROPPED]).partition(",")
        try:
            return too_long(int(size), int(count))
        except ValueError:
            return read(params)  # a hand-made parameter: read as any unknown key
    if RAW in params:
        return read(str(params[RAW]))
    return read(params)


RECHECK_JS = """<script>
// The page's address may hold a link that Streamlit dropped before this app could see it (the
// first visits after the server started). Reload once so the app reads it; never twice a minute.
const loc = window.parent.location;
const query = loc.search.replace(/^\\?/, "");
const params = query ? query.split("&").length : 0;
const store = window.parent.sessionStorage;
const last = Number(store.getItem("grid-link-recheck") || 0);
if ((params > {many} || query.length > {chars}) && Date.now() - last > 60000) {{
  store.setItem("grid-link-recheck", String(Date.now()));
  loc.reload();
}}
</script>"""
#: The snippet as sent, one constant text: a Content-Security-Policy allows it by its hash (bench/replicas.py).
RECHECK_HTML = RECHECK_JS.format(many=MANY_PARAMS, chars=STREAMLIT_MAX_CHARS)


def recheck_first_visit(params: Mapping[str, Any]) -> bool:
    """On a session's first run with no query, soon after the wrapper was installed: ask the
    browser to reload if its address holds a query that Streamlit dropped. True when it did so;
    the caller then leaves the address alone for this run, so that the browser still has it."""
    if params or time.monotonic() > RECHECK_UNTIL:
        return False
    import streamlit.components.v1 as components

    components.html(RECHECK_HTML, height=0)
    return True
