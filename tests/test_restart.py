"""Nothing acknowledged is lost if the server process is killed and restarted mid-session.

The real app runs under gunicorn (two worker processes, so requests land on either) in a subprocess, on a free
port, with its own database: SQLite in tmp, or, with TEST_DATABASE_URL, a fresh PostgreSQL schema. A client
with a cookie jar signs in through the login form, starts a session through the start form, moves two steps,
adds responses (plain form and htmx) and an action, each acknowledged (303 or 200). Then gunicorn's master and
workers are killed with SIGKILL, no goodbye, and started again: the same cookie still signs in (SECRET_KEY is
fixed), and every acknowledged response, the action, the current step and its timer are all there.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.sessions import service
from app.sessions.models import Facilitator
from app.sessions.record import record_of

from .support import ROOT, database_url, migrated_app

SECRET_KEY = "restart-test-secret-key-that-stays-the-same"
NAME = "Sam Patel"
PASSWORD = "a long enough password"
GUNICORN = Path(sys.executable).parent / "gunicorn"
STEP_SECONDS = 60  # 'Why it matters here', step 3 of 'seven-minute' on 'wigan-child-3'
REFLECTION = 3
SAID = [
    "We rely on phone calls too much",
    "Supervision should ask “what does the child’s day look like?”\nand write the answer down",
    "Use the neglect toolkit <earlier>",
]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 is an answer to check, not to follow


class Client:
    """A tiny browser: a cookie jar, and answers as (status, headers, text)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=10) as answer:
                return answer.status, answer.headers, answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers, answer.read().decode()

    def token(self, path: str) -> str:
        status, _, text = self.request(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn running the app, in a process group of its own so that it can be killed whole."""

    def __init__(self, env: dict, port: int, instance: Path, log: Path):
        self.env, self.port, self.instance, self.log = env, port, instance, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            str(GUNICORN),
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", "2",
            "--threads", "4",
            "--graceful-timeout", "1",
            f"app:create_app(instance_path={str(self.instance)!r})",
        ]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped at start:\n{self.log.read_text()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer in 30 s:\n{self.log.read_text()}", pytrace=False)

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: nothing gets to flush or say goodbye."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the workers die with the group; wait until nothing answers
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login", timeout=1)
            except OSError:
                return
            time.sleep(0.1)
        pytest.fail("the server still answers after SIGKILL")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)


@pytest.fixture
def database(tmp_path):
    """A migrated database (SQLite in tmp, or a fresh PostgreSQL schema) with one facilitator; its URL."""
    url = database_url(tmp_path)
    settings = {
        "TESTING": True,
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": url,
        "BRIEFINGS_DIR": ROOT / "briefings",
        "SESSION_TEMPLATES_DIR": ROOT / "session_templates",
    }
    app = migrated_app(settings, tmp_path / "setup-instance")
    with app.app_context():
        facilitator = Facilitator(name=NAME)
        facilitator.set_password(PASSWORD)
        db.session.add(facilitator)
        db.session.commit()
        db.engine.dispose()
    return app, url


@pytest.fixture
def server(tmp_path, database):
    _, url = database
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "BRIEFINGS_DIR": str(ROOT / "briefings"),
        "SESSION_TEMPLATES_DIR": str(ROOT / "session_templates"),
        "EXPORTS_DIR": str(tmp_path / "exports"),
    }
    running = Server(env, free_port(), tmp_path / "instance", tmp_path / "gunicorn.log")
    yield running
    running.stop()


def test_nothing_acknowledged_is_lost_when_the_server_is_killed_and_restarted(server, database):
    app, _ = database
    server.start()
    client = Client(f"http://127.0.0.1:{server.port}")

    status, headers, _ = client.request(
        "/login", {"name": NAME, "password": PASSWORD, "csrf_token": client.token("/login")}
    )
    assert status == 303, status
    status, headers, _ = client.request(
        "/sessions",
        {"briefing": "wigan-child-3", "template": "seven-minute", "team": "Early Help East",
         "csrf_token": client.token("/sessions/new")},
    )
    assert status == 303, status
    console = urllib.parse.urlsplit(headers["Location"]).path
    public_id = re.fullmatch(r"/sessions/([\w-]+)/console", console).group(1)
    token = client.token(console)

    # Two steps on, each acknowledged.
    for from_step in (0, 1):
        status, _, _ = client.request(
            f"/sessions/{public_id}/move", {"from_step": from_step, "to_step": from_step + 1, "csrf_token": token}
        )
        assert status == 303, status
    moved_at = time.time()

    # Responses to the reflection questions (a plain form, then htmx), and an action.
    status, _, _ = client.request(
        f"/sessions/{public_id}/responses", {"step": REFLECTION, "question": 0, "text": SAID[0], "csrf_token": token}
    )
    assert status == 303, status
    for question, text in ((1, SAID[1]), (1, SAID[2])):
        status, _, _ = client.request(
            f"/sessions/{public_id}/responses",
            {"step": REFLECTION, "question": question, "text": text},
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
        assert status == 200, status
    status, _, _ = client.request(
        f"/sessions/{public_id}/actions",
        {"what": "Audit self-reported information", "owner": "Jo Bloggs", "due": "2027-01-31", "csrf_token": token},
    )
    assert status == 303, status

    server.kill()
    server.start()

    # The same browser is still signed in, on the same step, with the same time left.
    status, _, text = client.request(console)
    assert status == 200, status
    assert re.search(r"Step 3 of 5.*?Why it matters here", text, re.DOTALL)
    remaining = float(re.search(r'id="run-status".*?data-step-remaining="(-?[\d.]+)"', text, re.DOTALL).group(1))
    expected = STEP_SECONDS - (time.time() - moved_at)
    assert abs(remaining - expected) <= 3, (remaining, expected)

    # Every acknowledged response and the action, in the database and on the console after the restart.
    with app.app_context():
        record = record_of(service.find_session(db.session, public_id), datetime.now(timezone.utc))
        reflection = record.steps[REFLECTION]
        assert [r.text for r in reflection.questions[0].responses] == [SAID[0]]
        assert [r.text for r in reflection.questions[1].responses] == [SAID[1], SAID[2]]
        assert [(a.what, a.owner, a.due.isoformat()) for a in record.actions] == [
            ("Audit self-reported information", "Jo Bloggs", "2027-01-31")
        ]
        assert record.current_step == 2 and record.status == "running"
        owner = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
        assert record.facilitator == owner.name
        db.engine.dispose()

    status, _, _ = client.request(
        f"/sessions/{public_id}/move", {"from_step": 2, "to_step": REFLECTION, "csrf_token": token}
    )
    assert status == 303, status
    status, _, text = client.request(console)
    for said in SAID:
        escaped = said.replace("<", "&lt;").replace(">", "&gt;")
        assert escaped in text, said
