"""The server's access log never keeps a working invitation or reset link: gunicorn started with the project's
gunicorn.conf.py (as `make run` starts it) writes /invitations/[link] where the path held the token."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from app.access_log import without_link_tokens
from app.extensions import db
from app.people import audit, service
from app.web import now

from .support import database_url, migrated_app
from .test_restart import free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def test_link_tokens_are_replaced_and_other_paths_kept():
    assert without_link_tokens("/invitations/abc-DEF_123") == "/invitations/[link]"
    assert without_link_tokens("/reset/abc-DEF_123") == "/reset/[link]"
    assert without_link_tokens("/sessions/Xy12/console") == "/sessions/Xy12/console"
    assert without_link_tokens("/people/invitations") == "/people/invitations"


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as answer:
        return answer.code


def test_gunicorn_started_as_make_run_starts_it_logs_no_working_link(tmp_path):
    url = database_url(tmp_path)
    settings = {"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": url}
    app = migrated_app(settings, tmp_path / "setup-instance")
    with app.app_context():
        _, token = service.invite(db.session, audit.Actor(None, "terminal"), "Sam Patel", None, ["facilitator"], [], now())
        db.engine.dispose()
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x" * 32, "PORT": str(port), "WORKERS": "1",
           "THREADS": "1", "ACCESS_LOG": str(log), "BRIEFINGS_DIR": str(ROOT / "briefings")}
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", f"app:create_app(instance_path={str(tmp_path / 'instance')!r})"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/login")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer in 30 s"
                time.sleep(0.2)
        assert _get(f"{base}/invitations/{token}") == 200  # the link works: the page asks for a password
        assert _get(f"{base}/reset/not-a-real-token") == 404
        deadline = time.monotonic() + 10
        while "/reset/" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=15)
    written = log.read_text()
    assert '"GET /invitations/[link]" 200' in written and '"GET /reset/[link]" 404' in written
    assert token not in written and "not-a-real-token" not in written
