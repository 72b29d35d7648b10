"""The hello-world baseline: a plain Streamlit app. It takes the app's one server setting, TCP_NODELAY
on accepted connections (app_pages/tcp.py), so that a ratio against it measures the app's own
work and not the socket's."""

from app_pages.tcp import no_delay
import streamlit as st

no_delay()
st.write("Hello, world")
