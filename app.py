"""Entry point: declares the pages and runs the chosen one. No logic lives here."""

import streamlit as st

from app_pages import ui

st.set_page_config(page_title="Open / closed LLM decision grid", page_icon=":material/balance:", layout="wide")

page = st.navigation(
    [
        st.Page("app_pages/assess.py", title="Assess", icon=":material/explore:", default=True),
        st.Page("app_pages/catalog.py", title="Catalog", icon=":material/menu_book:"),
        st.Page("app_pages/method.py", title="Method", icon=":material/functions:"),
    ]
)
ui.init_state()
ui.sync_url()  # the one place where the URL and the session meet
ui.show_link_messages()
page.run()
