"""Entry point: declares the pages and runs the chosen one. No logic lives here."""

# numpy, pandas and plotly are imported here, whole, before any page runs. Streamlit imports them
# lazily, and plotly looks numpy up in sys.modules without importing it: when a fresh server's first
# sessions arrive together, one script thread could see another thread's half-imported numpy and
# fail (seen under load). A plain import waits on the module's import lock until it is complete.
import numpy  # noqa: F401
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
from pathlib import Path

import streamlit as st

from app_pages import tcp, ui
from grid.errors import InvalidData

tcp.no_delay()  # small writes leave at once (see app_pages/tcp.py); once per process

# The page icon is a file of the app's own: a Material Symbols icon as the page icon is fetched from
# fonts.gstatic.com, an outside request that a closed network refuses and a strict CSP must allow.
st.set_page_config(page_title="Open / closed LLM decision grid", page_icon=str(Path(__file__).parent / "app_pages" / "icon.png"), layout="wide")

page = st.navigation(
    [
        st.Page("app_pages/assess.py", title="Assess", icon=":material/explore:", default=True),
        st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("app_pages/catalog.py", title="Catalog", icon=":material/menu_book:"),
        st.Page("app_pages/method.py", title="Method", icon=":material/functions:"),
    ]
)
try:
    ui.init_state()
    ui.sync_url(page.url_path)  # the one place where the URL and the session meet (pages with their own query excepted)
    ui.show_link_messages()
    page.run()
except InvalidData as e:  # a broken data file: one clear panel, never a traceback
    st.error(
        f"**One of the app's data files cannot be read, so this page cannot be shown.** `{e.source}`:\n\n"
        + "\n".join(f"- {ui.md_escape(p)}" for p in e.problems[:20])
        + ("\n- …" if len(e.problems) > 20 else "")
        + "\n\nRun `python -m grid catalog check` to see every problem. Your answers are kept in the link.",
        icon=":material/error:",
    )
finally:
    ui.end_run(f"{page.title}/{st.session_state.get('step')}")  # callbacks run between runs and must read the session afresh
