"""Small writes leave the server at once: TCP_NODELAY on the app's connections.

Streamlit binds its listening socket itself with ``proto=0``. asyncio turns Nagle's algorithm off
only for sockets whose ``proto`` is ``IPPROTO_TCP``, so every accepted connection keeps it on: the
second of two small writes waits for the first one's acknowledgement, which the browser delays by
up to 40 ms. A rerun sends many small messages, so each one waited. This widens asyncio's check to
every TCP stream socket; it applies to connections accepted after the app's first run (the first
connection of a process keeps the old setting). Measured with ``bench.load``: see bench/RESULTS.md.
"""

from __future__ import annotations

import asyncio.base_events as base_events
import socket


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def no_delay() -> None:
    """Install the wider check once per process (idempotent)."""
    if base_events._set_nodelay is not _set_nodelay:
        base_events._set_nodelay = _set_nodelay
