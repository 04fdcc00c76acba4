"""The bench's load figure: its clients' loop against a real HTTP server on loopback, and its line.

The whole figure (gunicorn on the bench's scratch database) runs in `make bench`; gunicorn cannot see a test's own
database, so here the loop is driven against a small server of the test's own that answers 200 or, for one page, 500.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.figures import LoadFigure, Report, report_add
from bench.load import Tally, client_loop
from bench.run import figures_from, stage_output


class Pages(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the bench's clients use
    cookies: list[str] = []

    def do_GET(self) -> None:
        Pages.cookies.append(self.headers.get("Cookie", ""))
        status = 500 if self.path == "/broken/" else 200
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


def test_the_loop_fetches_until_the_time_is_up_and_counts_what_is_not_a_200(server: int) -> None:
    tally = Tally()
    Pages.cookies = []
    threads = [
        threading.Thread(
            target=client_loop,
            args=(server, f"sessionid=s{n}", ["/", "/requests/", "/broken/"], n, time.monotonic() + 0.5, tally),
        )
        for n in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)  # bounded: every client stopped at the time
    fetched = len(tally.samples_ms)
    assert fetched >= 6
    # One page in three answers 500: about a third of the fetches are errors, each naming the page.
    assert 0 < len(tally.errors) < fetched
    assert all(error == "/broken/ answered 500" for error in tally.errors)
    assert {"sessionid=s0", "sessionid=s1", "sessionid=s2"} <= set(Pages.cookies)  # each client its own session


def test_the_load_line_and_its_target_survive_the_round_trip_from_a_stage() -> None:
    clean = LoadFigure(
        clients=20,
        seconds=60.0,
        workers=2,
        samples_ms=tuple(float(n) for n in range(1, 101)),
        errors=0,
        first_errors=(),
        database="postgresql",
    )
    (back,) = figures_from(stage_output([clean]))
    assert back == clean
    assert re.fullmatch(
        r"load: 20 signed-in staff for 60\.0 s on gunicorn \(2 workers, postgresql\): 100 pages, 1\.7/s, "
        r"median 50 ms, p95 95 ms, 0 errors",
        clean.line(),
    )
    report = Report()
    report_add(report, clean)
    assert report.target_lines() == ["targets: load errors = 0 met"]
    failing = LoadFigure(
        clients=2,
        seconds=5.0,
        workers=2,
        samples_ms=(10.0, 20.0),
        errors=1,
        first_errors=("/ answered 502",),
        database="sqlite3",
    )
    report_add(report, failing)
    assert report.target_lines() == ["targets: load errors = 0 MISSED (1 errors)"]
    assert failing.line().endswith("1 errors; first: / answered 502")
