"""Serve a built site on 127.0.0.1 and drive Debian's Chromium with Playwright."""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
         "--no-first-run", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Watched:
    """A page whose console errors and requested hosts are recorded."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", self._request)

    def _request(self, request) -> None:
        from urllib.parse import urlsplit
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss"):
            self.hosts.add(parts.hostname or "")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def spells(said: list[str], i: int, term: str) -> bool:
    """The ground truth of expert-guide.js `spells`, for the browser tests and bench/bench_search.py: whole
    syllables, initials (z or zh), or the start of the last."""
    if not term:
        return True
    if i >= len(said):
        return False
    for way in {said[i], said[i].replace("v", "u")}:
        if way.startswith(term) or (term.startswith(way) and spells(said, i + 1, term[len(way):])):
            return True
    if term[0] != said[i][0]:
        return False
    if said[i][:2] in ("zh", "ch", "sh") and term[1:2] == "h" and spells(said, i + 1, term[2:]):
        return True
    return spells(said, i + 1, term[1:])
