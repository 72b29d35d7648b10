"""Entry point: declares the pages and runs the chosen one. No logic lives here."""

import streamlit as st

from app_pages import ui
from grid.errors import InvalidData

st.set_page_config(page_title="Open / closed LLM decision grid", page_icon=":material/balance:", layout="wide")

page = st.navigation(
    [
        st.Page("app_pages/assess.py", title="Assess", icon=":material/explore:", default=True),
        st.Page("app_pages/catalog.py", title="Catalog", icon=":material/menu_book:"),
        st.Page("app_pages/method.py", title="Method", icon=":material/functions:"),
    ]
)
try:
    ui.init_state()
    ui.sync_url()  # the one place where the URL and the session meet
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
