"""A live session on a real server: one facilitator, a presenter screen, and hundreds of attendees' phones.

    .venv/bin/python bench/live_session.py [--attendees 300] [--seconds 60] [--database sqlite|URL]

It starts the app under gunicorn with gunicorn.conf.py (its own process group, a free port, a temporary
instance folder and database), signs a facilitator in, starts a session, and lets N simulated phones join
with the session's code, poll their page every 2 s as the browser does, and send reflections while the step
collects them (some anonymous, some sent twice with the same idempotency key, as a double tap or a retry
does). The facilitator moves through the steps; a presenter screen polls every 0.5 s and notes when each
reflection first appears; the console polls every second. Afterwards it reads the database and checks that
every acknowledged reflection is stored exactly once.

It PRINTS its figures and a PASS/FAIL line against the targets (p95 submission < 100 ms, p95 to the presenter
< 1 s, no failed request, nothing lost or duplicated). It never asserts timing: the exit status is 0 when the
run was correct (no failed request, nothing lost, nothing duplicated) and 1 when it was not, whatever the
latencies; 2 when it could not run at all. `--attendees 5 --seconds 10` is a quick run for a smoke test, and
`run(Options(...))` returns the figures as a `Results` for a test to look at.

The clients run in this process, on the same machine as the server: they take CPU the server would
otherwise have, and their own event loop adds to what they measure. The figures say how much (the client's
CPU time and its event-loop lag), and the server's own time per request is read from its access log.

--database postgresql://USER@HOST:PORT/DB runs against PostgreSQL instead: the run gets a fresh schema
(bench_<random>) in that database, through `options=-csearch_path=...` in the URL, and drops it at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import ssl
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

REPO = Path(__file__).resolve().parent.parent
SSL_CONTEXT = ssl.create_default_context()

# Targets the PASS/FAIL line is judged against.
TARGET_SUBMIT_P95_MS = 100.0
TARGET_PRESENTER_P95_MS = 1000.0

FACILITATOR_NAME = "Bench Facilitator"

FIRST_NAMES = ["Alex", "Sam", "Priya", "Jordan", "Morgan", "Chris", "Fatima", "Owen", "Grace", "Tomasz", "Aisha",
               "Rhys", "Niamh", "Kwame", "Hannah", "Li", "Ewan", "Zainab", "Cerys", "Daniel"]
SURNAMES = ["Patel", "Jones", "Smith", "Okafor", "Williams", "Nowak", "Brown", "Khan", "Evans", "Murphy", "Taylor",
            "Hughes", "Ahmed", "Roberts", "Walsh", "Davies"]
ROLES = ["", "", "Social worker", "Health visitor", "School nurse", "Team manager", "Family support worker",
         "Designated safeguarding lead", "Police officer", "GP"]
ORGANISATIONS = ["", "", "Early Help East", "Children's social care", "Community health", "Wigan schools",
                 "Youth justice", "Housing"]
# Reflections contain no digits and no "@": nothing the privacy check would hold back.
PHRASES = [
    "we should ask the child directly and write down what they tell us",
    "handovers between teams lose the history of the family",
    "nobody owned the whole picture so each agency saw a small part",
    "we accept missed appointments too easily without asking why",
    "supervision should make time to step back and look at patterns",
    "the voice of the child was missing from every meeting",
    "escalation felt awkward so concerns stayed within one team",
    "we need to check that what parents say matches what we see",
    "chronologies would have shown the neglect much earlier",
    "our referral forms should ask about other children in the home",
]
TOKEN_PREFIX = "qz"
TOKEN_RE = re.compile(r"\b" + TOKEN_PREFIX + r"[a-z]{10}\b")


# --- options and results ------------------------------------------------------------------------------------


@dataclass
class Options:
    attendees: int = 300
    seconds: float = 60.0
    database: str = "sqlite"  # "sqlite" (a temporary file) or a postgresql:// URL
    briefing: str = "wigan-child-1-and-2"
    template: str = "seven-minute"
    workers: int | None = None  # None: gunicorn.conf.py's default
    threads: int | None = None
    join_window: float = 10.0  # attendees join over this many seconds (at most a fifth of the run)
    attendee_poll: float = 2.0
    presenter_poll: float = 0.5
    console_poll: float = 1.0
    double_tap: float = 0.08  # share of submissions sent twice at once with one idempotency key
    retry: float = 0.05  # share sent again with the same key after the first answer (a lost response)
    anonymous_share: float = 0.3  # share of submissions ticked "anonymous"
    named_share: float = 0.7  # share of attendees who give a name when they join
    seed: int | None = None
    profile: bool = False  # profile the server's requests (cProfile; slows it: timings are then not valid)
    keep: bool = False  # keep the temporary folder (database, logs) for a look afterwards
    json_path: str | None = None
    quiet: bool = False


@dataclass
class Results:
    options: dict
    attendees_joined: int = 0
    submissions_sent: int = 0  # distinct reflections sent (a double tap or a retry counts once)
    submissions_acknowledged: int = 0
    double_taps: int = 0
    retries: int = 0
    refused_after_move: int = 0  # 422 for a step the facilitator had just left: expected, not a failure
    submit_ms: dict = field(default_factory=dict)  # p50/p95/p99/max/n of every answered-200 submission POST
    presenter_ms: dict = field(default_factory=dict)  # acknowledged -> first presenter poll that showed it
    presenter_from_send_ms: dict = field(default_factory=dict)  # sent -> first presenter poll that showed it
    not_seen_on_presenter: int = 0
    polls: dict = field(default_factory=dict)  # kind -> {n, 204, 200, p50, p95}
    requests: int = 0
    failures: dict = field(default_factory=dict)  # description -> count
    failure_examples: dict = field(default_factory=dict)
    lost: int = 0
    lost_examples: list = field(default_factory=list)
    duplicated: int = 0
    duplicate_keys: int = 0
    stored_not_acknowledged: int = 0
    anonymous_linked: int | None = None  # anonymous responses stored with an attendee id (should be 0)
    attendees_in_database: int | None = None
    server_cpu_s: float | None = None
    machine_cpu_s: float | None = None  # every process on the machine, PostgreSQL's included
    machine_busy_before_pct: float | None = None  # the machine's load in the 2 s before the run started
    reflections_per_second: float = 0.0  # distinct reflections sent per second, first to last
    server_wall_s: float | None = None
    client_cpu_s: float | None = None
    loop_lag_ms: dict = field(default_factory=dict)
    endpoints: list = field(default_factory=list)  # from the access log
    contract_notes: list = field(default_factory=list)
    workers_seen: int = 0
    database: str = ""
    passed: bool = False
    correct: bool = False
    workdir: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def percentiles(values: list[float], points=(50, 95, 99)) -> dict:
    """Nearest-rank percentiles of `values` (seconds) in milliseconds, with the count and the maximum."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    out = {"n": len(ordered)}
    for point in points:
        rank = max(1, min(len(ordered), round(point / 100 * len(ordered) + 0.5)))
        out[f"p{point}"] = round(ordered[rank - 1] * 1000, 1)
    out["max"] = round(ordered[-1] * 1000, 1)
    out["mean"] = round(statistics.fmean(ordered) * 1000, 1)
    return out


# --- reading pages ------------------------------------------------------------------------------------------

TAG_ATTR = re.compile(r'([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+)))?')
INPUT_RE = re.compile(r"<input\b([^>]*)>", re.IGNORECASE)
TEXTAREA_RE = re.compile(r"<textarea\b([^>]*)>", re.IGNORECASE)
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)


def attributes(tag_inside: str) -> dict[str, str]:
    found = {}
    for match in TAG_ATTR.finditer(tag_inside):
        value = match.group(2) if match.group(2) is not None else match.group(3) if match.group(3) is not None else match.group(4)
        found[match.group(1).lower()] = html.unescape(value) if value is not None else ""
    return found


def csrf_token(page: str) -> str:
    for match in INPUT_RE.finditer(page):
        attrs = attributes(match.group(1))
        if attrs.get("name") == "csrf_token":
            return attrs.get("value", "")
    raise ContractError("no csrf_token input on the page")


def hidden_fields(form_body: str) -> dict[str, str]:
    fields = {}
    for match in INPUT_RE.finditer(form_body):
        attrs = attributes(match.group(1))
        if attrs.get("type", "text").lower() == "hidden" and attrs.get("name"):
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


@dataclass
class ReflectionForm:
    action: str
    fields: dict  # the hidden inputs: csrf_token, step, question, idempotency_key (and any others)

    @property
    def where(self) -> tuple[int, int]:
        return int(self.fields.get("step", -1)), int(self.fields.get("question", -1))


def reflection_forms(page: str) -> list[ReflectionForm]:
    forms = []
    for match in FORM_RE.finditer(page):
        attrs = attributes(match.group(1))
        if "data-reflection-form" not in attrs:
            continue
        fields = hidden_fields(match.group(2))
        if "idempotency_key" in fields and "step" in fields and "question" in fields:
            # htmx posts to hx-post; the plain action may end in "#form-id" for the no-JavaScript page.
            action = attrs.get("hx-post") or attrs.get("action", "").split("#", 1)[0]
            forms.append(ReflectionForm(action, fields))
    return forms


WORK_RE = re.compile(r'<div\b[^>]*\bid="take-part-work"[^>]*>', re.IGNORECASE)
SHOWN_STEP_RE = re.compile(r'<input\b[^>]*\bid="shown-step"[^>]*>', re.IGNORECASE)


def work_region(page: str) -> str | None:
    """The part of an attendee page that holds the forms (`#take-part-work`), or None when it is not there:
    a poll's fragment carries it (out of band) only when the step changed."""
    match = WORK_RE.search(page)
    if match is None:
        return None
    # Up to the next top-level region of the page: the forms are all inside before "own-responses".
    end = page.find('id="own-responses"', match.end())
    return page[match.start(): end if end != -1 else len(page)]


def shown_step(page: str) -> int | None:
    match = SHOWN_STEP_RE.search(page)
    if match is None:
        return None
    value = attributes(match.group(0)[6:-1]).get("value", "")
    return int(value) if value.isdigit() else None


def first_int(pattern: str, page: str) -> int | None:
    match = re.search(pattern, page)
    return int(match.group(1)) if match else None


def stage_version(page: str) -> int | None:
    """The presenter's version: `data-version` on the stage (`#stage`), else the first on the page."""
    found = first_int(r'id="stage"[^>]*?data-version="(\d+)"', page)
    return found if found is not None else first_int(r'data-version="(\d+)"', page)


STAGE_RESPONSE_RE = re.compile(r'<li\b[^>]*class="[^"]*\bstage-response\b[^"]*"[^>]*>(.*?)</li>', re.DOTALL)


def presenter_tokens(page: str) -> set[str]:
    tokens = set()
    for match in STAGE_RESPONSE_RE.finditer(page):
        tokens.update(TOKEN_RE.findall(match.group(1)))
    return tokens


def answer_kind(answer: httpx.Response | None) -> str:
    """What a submission's answer says: "sent" (stored: the fresh form says so), or why not."""
    if answer is None:
        return "no answer"
    if answer.status_code != 200:
        return str(answer.status_code)
    if answer.headers.get("HX-Redirect"):
        return "redirected to " + answer.headers["HX-Redirect"]
    if "privacy-check" in answer.text:
        return "held back by the privacy check"
    if "reflection-form__sent" in answer.text:
        return "sent"
    return "no 'Sent' in the answer"


class ContractError(Exception):
    """The server answered, but not as the join contract says."""


# --- the server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clock_ticks() -> int:
    return os.sysconf(os.sysconf_names["SC_CLK_TCK"])


def process_cpu_seconds(pid: int) -> float | None:
    """utime + stime of one process, from /proc (Linux); None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _clock_ticks()


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (every process: server, client, PostgreSQL, others)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _clock_ticks()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


PROFILE_CONF = '''
# Written by bench/live_session.py --profile: the project's gunicorn.conf.py, and a profiler around each request.
exec(compile(open({conf!r}).read(), {conf!r}, "exec"))

import cProfile, pstats, threading, os as _os

def post_worker_init(worker):
    lock = threading.Lock()
    holder = {{"stats": None}}
    app = worker.wsgi

    def profiled(environ, start_response):
        profile = cProfile.Profile()
        profile.enable()
        try:
            return list(app(environ, start_response))
        finally:
            profile.disable()
            with lock:
                if holder["stats"] is None:
                    holder["stats"] = pstats.Stats(profile)
                else:
                    holder["stats"].add(profile)

    worker.wsgi = profiled
    worker._bench_profile = holder

def worker_exit(server, worker):
    holder = getattr(worker, "_bench_profile", None)
    if holder and holder["stats"] is not None:
        holder["stats"].dump_stats({out!r} + ".%d" % _os.getpid())
'''


class Server:
    """The app under gunicorn in its own process group, with a temporary instance folder and database."""

    def __init__(self, options: Options, workdir: Path, say):
        self.options = options
        self.workdir = workdir
        self.say = say
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.instance = workdir / "instance"
        self.access_log = workdir / "access.log"
        self.server_log = workdir / "server.log"
        self.password = secrets.token_urlsafe(18)
        self.process: subprocess.Popen | None = None
        self.pg_schema: str | None = None
        self.pg_admin_url: str | None = None
        if options.database == "sqlite":
            self.db_path = workdir / "bench.db"
            self.database_url = f"sqlite:///{self.db_path}"
        elif options.database.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            self.db_path = None
            self.pg_schema = "bench_" + secrets.token_hex(4)
            self.pg_admin_url = options.database
            joiner = "&" if urlsplit(options.database).query else "?"
            self.database_url = f"{options.database}{joiner}options={quote('-csearch_path=' + self.pg_schema)}"
        else:
            raise SystemExit("--database must be 'sqlite' or a postgresql:// URL")
        self.app_spec = f"app:create_app(instance_path={str(self.instance)!r})"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "ACCESS_LOG": str(self.access_log),
            "WORKERS": str(options.workers or ""),
            "THREADS": str(options.threads or ""),
            "PYTHONUNBUFFERED": "1",
        }
        self.cpu_marks: dict[int, float] = {}
        self.access_log_mark = 0

    # PostgreSQL: a schema of its own -------------------------------------------------------------------------

    def _pg_connect(self):
        import psycopg

        url = self.pg_admin_url.replace("postgresql+psycopg://", "postgresql://")
        return psycopg.connect(url, autocommit=True)

    def prepare(self) -> None:
        self.instance.mkdir(parents=True, exist_ok=True)
        if self.pg_schema:
            with self._pg_connect() as connection:
                connection.execute(f'CREATE SCHEMA "{self.pg_schema}"')
        flask = [sys.executable, "-m", "flask", "--app", self.app_spec]
        for command, stdin in (
            (flask + ["db", "upgrade"], None),
            (flask + ["users", "create", FACILITATOR_NAME], self.password + "\n"),
        ):
            done = subprocess.run(command, cwd=REPO, env=self.env, input=stdin, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command[3:])} failed:\n{done.stdout}{done.stderr}")

    def start(self) -> None:
        conf = REPO / "gunicorn.conf.py"
        if self.options.profile:
            profiled = self.workdir / "gunicorn.profile.conf.py"
            profiled.write_text(PROFILE_CONF.format(conf=str(conf), out=str(self.workdir / "profile")))
            conf = profiled
        command = [sys.executable, "-m", "gunicorn", "-c", str(conf), self.app_spec]
        with open(self.server_log, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped (exit {self.process.returncode}):\n{self.server_log.read_text()}")
            try:
                if httpx.get(self.base_url + "/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not answer within 30 s:\n{self.server_log.read_text()}")
        # Every worker answers before the clock starts (the first request to each one loads the library).
        workers = self.worker_pids()
        for _ in range(4 * max(1, len(workers))):
            httpx.get(self.base_url + "/login", timeout=5)

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def mark_cpu(self) -> None:
        self.machine_mark = machine_busy_seconds()
        # The access log from here on is the simulation's (not the warm-up and the facilitator's set-up).
        self.access_log_mark = self.access_log.stat().st_size if self.access_log.exists() else 0
        self.cpu_marks = {pid: process_cpu_seconds(pid) or 0.0 for pid in [self.process.pid, *self.worker_pids()]}

    def cpu_since_mark(self) -> float:
        total = 0.0
        for pid in [self.process.pid, *self.worker_pids()]:
            now = process_cpu_seconds(pid)
            if now is not None:
                total += now - self.cpu_marks.get(pid, 0.0)
        return total

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def drop_schema(self) -> None:
        if self.pg_schema:
            with self._pg_connect() as connection:
                connection.execute(f'DROP SCHEMA IF EXISTS "{self.pg_schema}" CASCADE')

    def query(self, sql: str, params: dict | None = None) -> list[dict]:
        """Rows of one query, as dicts, from SQLite (sqlite3) or PostgreSQL (SQLAlchemy)."""
        if self.db_path is not None:
            connection = sqlite3.connect(self.db_path)
            connection.row_factory = sqlite3.Row
            try:
                return [dict(row) for row in connection.execute(sql, params or {})]
            finally:
                connection.close()
        from sqlalchemy import create_engine, text

        url = self.database_url.replace("postgresql://", "postgresql+psycopg://", 1).replace(
            "postgres://", "postgresql+psycopg://", 1)
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                return [dict(row._mapping) for row in connection.execute(text(sql), params or {})]
        finally:
            engine.dispose()


# --- the simulation -----------------------------------------------------------------------------------------


@dataclass
class Sent:
    token: str
    attendee: int
    step: int
    question: int
    key: str
    anonymous: bool
    sent_at: float
    acked_at: float | None = None
    double_tap: bool = False
    retried: bool = False
    answers: list = field(default_factory=list)  # what each POST got: "sent", "422", "500", "held back", ...


class Run:
    """Shared state of one simulated session."""

    def __init__(self, options: Options, base_url: str, say):
        self.options = options
        self.base_url = base_url
        self.say = say
        self.rng = random.Random(options.seed)
        self.t0 = time.perf_counter()
        self.latency: dict[tuple[str, int], list[float]] = defaultdict(list)
        self.requests = 0
        self.failures: Counter = Counter()
        self.failure_examples: dict[str, str] = {}
        self.contract_notes: Counter = Counter()
        self.sent: dict[str, Sent] = {}
        self.seen_at: dict[str, float] = {}
        self.tokens: set[str] = set()
        self.joined = 0
        self.refused_after_move = 0
        self.moves: list[tuple[float, int, int]] = []  # (time, from, to)
        self.step = 0
        self.visit_ends: float = 0.0  # when the facilitator plans to leave the current step
        self.stop_submitting = asyncio.Event()
        self.stop_polling = asyncio.Event()
        self.loop_lag: list[float] = []
        self.public_id = ""
        self.join_code = ""
        self.plan_steps: list[dict] = []

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def new_token(self) -> str:
        while True:
            token = TOKEN_PREFIX + "".join(self.rng.choice(string.ascii_lowercase) for _ in range(10))
            if token not in self.tokens:
                self.tokens.add(token)
                return token

    def fail(self, what: str, example: str = "") -> None:
        self.failures[what] += 1
        if example and what not in self.failure_examples:
            self.failure_examples[what] = example[:300]

    async def request(self, client: httpx.AsyncClient, kind: str, method: str, url: str, *,
                      ok=(200,), **kwargs) -> httpx.Response | None:
        """One request, timed under `kind`; a status outside `ok`, or a transport error, is a failure."""
        started = time.perf_counter()
        self.requests += 1
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.latency[(kind, 0)].append(time.perf_counter() - started)
            self.fail(f"{kind}: {type(error).__name__}", str(error))
            return None
        elapsed = time.perf_counter() - started
        self.latency[(kind, response.status_code)].append(elapsed)
        if response.status_code not in ok:
            self.fail(f"{kind}: HTTP {response.status_code}", f"{method} {urlsplit(url).path}: {response.text[:200]}")
        return response

    def client(self, **kwargs) -> httpx.AsyncClient:
        # One TLS context for every client: httpx otherwise builds one per client (about 30 ms of CPU each,
        # 10 s for 300 phones), which would slow this process down while the phones join. It is never used
        # (the server is plain http) but httpx wants one.
        return httpx.AsyncClient(
            verify=SSL_CONTEXT,
            base_url=self.base_url,
            timeout=httpx.Timeout(15.0),
            # Forget an idle connection before the server does (gunicorn.conf.py: keepalive = 5 s). With equal
            # timeouts a request can go out on a connection the server is closing, a ReadError here, where a
            # browser quietly sends it again on a new connection.
            limits=httpx.Limits(keepalive_expiry=4.0),
            follow_redirects=False,
            headers={"User-Agent": "briefing-room-bench"},
            **kwargs,
        )

    # the facilitator ----------------------------------------------------------------------------------------

    async def sign_in_and_start(self, client: httpx.AsyncClient, password: str, server: Server) -> None:
        page = await self.request(client, "login page", "GET", "/login")
        answer = await self.request(
            client, "login", "POST", "/login", ok=(303,),
            data={"csrf_token": csrf_token(page.text), "name": FACILITATOR_NAME, "password": password},
        )
        if answer is None or answer.status_code != 303:
            raise SystemExit("could not sign in")
        page = await self.request(client, "start page", "GET", "/sessions/new")
        answer = await self.request(
            client, "start", "POST", "/sessions", ok=(303,),
            data={"csrf_token": csrf_token(page.text), "briefing": self.options.briefing,
                  "template": self.options.template, "team": "Bench team"},
        )
        if answer is None or answer.status_code != 303:
            raise SystemExit(f"could not start a session: {answer.status_code if answer else 'no answer'}")
        console_path = urlsplit(answer.headers["location"]).path
        self.public_id = console_path.strip("/").split("/")[1]
        console = await self.request(client, "console page", "GET", console_path)
        self.console_csrf = csrf_token(console.text)
        code = re.search(r'data-join-code="([^"]+)"', console.text)
        if code is None:
            raise ContractError("no data-join-code on the console")
        self.join_code = code.group(1)
        rows = server.query("SELECT plan, step FROM briefing_sessions WHERE public_id = :pid", {"pid": self.public_id})
        plan = rows[0]["plan"]
        self.plan_steps = (json.loads(plan) if isinstance(plan, str) else plan)["steps"]
        self.step = rows[0]["step"]

    def schedule(self) -> list[tuple[float, int]]:
        """When the facilitator moves, and where to: (seconds from the start, step)."""
        collecting = [i for i, step in enumerate(self.plan_steps) if step["collects_responses"]]
        if not collecting:
            raise SystemExit(f"template {self.options.template} has no step that collects responses")
        total, join = self.options.seconds, self.join_window
        work = total - join
        if len(collecting) >= 2:
            # Two steps that collect responses: half the time on each.
            return [(join, collecting[0]), (join + 0.5 * work, collecting[1])]
        # One: stay, move on to the next step for a while, and come back to it (as a facilitator does for the
        # last thoughts): every phone follows both moves, and reflections sent from a page that still shows
        # the step just left must be answered as the server decides (it accepts them: the step still collects).
        step = collecting[0]
        away = step + 1 if step + 1 < len(self.plan_steps) else step - 1
        return [(join, step), (join + 0.55 * work, away), (join + 0.7 * work, step)]

    @property
    def join_window(self) -> float:
        return min(self.options.join_window, self.options.seconds / 5)

    async def facilitate(self, client: httpx.AsyncClient, plan: list[tuple[float, int]]) -> None:
        self.visit_ends = plan[0][0]
        for index, (at, to_step) in enumerate(plan):
            await asyncio.sleep(max(0.0, at - self.now()))
            from_step = self.step
            answer = await self.request(
                client, "move", "POST", f"/sessions/{self.public_id}/move", ok=(303,),
                data={"csrf_token": self.console_csrf, "from_step": str(from_step), "to_step": str(to_step)},
            )
            if answer is not None and answer.status_code == 303:
                self.visit_ends = plan[index + 1][0] if index + 1 < len(plan) else self.options.seconds
                self.step = to_step
                self.moves.append((self.now(), from_step, to_step))
                self.say(f"  {self.now():5.1f} s  facilitator moved to step {to_step + 1}: "
                         f"{self.plan_steps[to_step]['title']}"
                         f"{' (collects responses)' if self.plan_steps[to_step]['collects_responses'] else ''}")

    def planned_end_of_visit(self) -> float:
        return min(self.visit_ends, self.options.seconds)

    async def end_session(self, client: httpx.AsyncClient) -> None:
        await self.request(client, "end", "POST", f"/sessions/{self.public_id}/end", ok=(303,),
                           data={"csrf_token": self.console_csrf})

    # the screens ----------------------------------------------------------------------------------------------

    async def every(self, interval: float, body) -> None:
        """Call `body` every `interval` seconds (as htmx's `every`), from a random phase, until told to stop."""
        next_at = self.now() + self.rng.uniform(0, interval)
        while not self.stop_polling.is_set():
            await asyncio.sleep(max(0.0, next_at - self.now()))
            if self.stop_polling.is_set():
                return
            next_at += interval
            await body()
            if next_at < self.now():  # slower than the interval: the next poll goes at once, no burst after
                next_at = self.now()

    async def present(self, client: httpx.AsyncClient) -> None:
        page = await self.request(client, "presenter page", "GET", f"/sessions/{self.public_id}/present")
        state = {"version": stage_version(page.text) or 0}
        self.note_seen(page.text)

        async def poll():
            answer = await self.request(
                client, "presenter poll", "GET", f"/sessions/{self.public_id}/present",
                ok=(200, 204), params={"version": state["version"]}, headers={"HX-Request": "true"},
            )
            if answer is not None and answer.status_code == 200:
                version = stage_version(answer.text)
                if version is None:
                    self.contract_notes["presenter fragment without data-version"] += 1
                else:
                    state["version"] = version
                self.note_seen(answer.text)

        await self.every(self.options.presenter_poll, poll)

    def note_seen(self, page: str) -> None:
        at = self.now()
        for token in presenter_tokens(page):
            self.seen_at.setdefault(token, at)

    async def console(self, client: httpx.AsyncClient) -> None:
        state = {"version": None, "step": self.step}

        async def poll():
            params = {"step": state["step"]}
            if state["version"] is not None:
                params["version"] = state["version"]
            answer = await self.request(
                client, "console poll", "GET", f"/sessions/{self.public_id}/console",
                ok=(200, 204), params=params, headers={"HX-Request": "true"},
            )
            if answer is not None and answer.status_code == 200:
                version = first_int(r'id="run-status"[^>]*?data-version="(\d+)"', answer.text)
                step = first_int(r'id="run-status"[^>]*?data-step="(\d+)"', answer.text)
                state["version"] = version if version is not None else state["version"]
                state["step"] = step if step is not None else state["step"]

        page = await self.request(client, "console page", "GET", f"/sessions/{self.public_id}/console")
        if page is not None:
            state["version"] = first_int(r'id="run-status"[^>]*?data-version="(\d+)"', page.text)
        await self.every(self.options.console_poll, poll)

    # the attendees --------------------------------------------------------------------------------------------

    async def attendee(self, index: int) -> None:
        rng = random.Random(self.rng.random())
        await asyncio.sleep(max(0.0, rng.uniform(0, self.join_window) - self.now()))
        named = rng.random() < self.options.named_share
        person = {
            "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" if named else "",
            "role": rng.choice(ROLES) if named else "",
            "organisation": rng.choice(ORGANISATIONS) if named else "",
        }
        async with self.client() as client:
            page = await self.request(client, "join page", "GET", "/join", params={"code": self.join_code})
            if page is None or page.status_code != 200:
                return
            try:
                token = csrf_token(page.text)
            except ContractError:
                self.fail("join page: no csrf_token")
                return
            answer = await self.request(client, "join", "POST", "/join", ok=(303,),
                                        data={"csrf_token": token, "code": self.join_code, **person})
            if answer is None or answer.status_code != 303:
                return
            path = urlsplit(answer.headers.get("location", "")).path
            if not path.startswith("/take-part/"):
                self.contract_notes[f"join redirected to {path.split('/')[1] if path else 'nowhere'}"] += 1
            page = await self.request(client, "attendee page", "GET", path)
            if page is None or page.status_code != 200:
                return
            self.joined += 1
            phone = Phone(self, index, client, path, rng)
            phone.read(page.text, whole_page=True)
            await self.every(self.options.attendee_poll, phone.poll)
            # Let this phone's reflections in flight finish before its client closes.
            while phone.in_flight:
                await asyncio.gather(*phone.in_flight, return_exceptions=True)

    async def watch_loop(self) -> None:
        """The client's own event-loop lag: how late a 100 ms sleep wakes up."""
        while not self.stop_polling.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.1)
            self.loop_lag.append(time.perf_counter() - started - 0.1)

    def refusal_expected(self, sent: Sent, answered_at: float) -> bool:
        """A 422 is expected when the facilitator had left the step, or left it shortly before it was sent
        (the phone's page is up to one poll behind)."""
        grace = self.options.attendee_poll + 1.0
        for at, from_step, _ in self.moves:
            if from_step == sent.step and sent.sent_at - grace <= at <= answered_at:
                return True
        return self.step != sent.step


class Phone:
    """One attendee's page: the stage version it shows, the reflection forms on it, and what it sends."""

    def __init__(self, run: Run, index: int, client: httpx.AsyncClient, path: str, rng: random.Random):
        self.run = run
        self.index = index
        self.client = client
        self.path = path
        self.rng = rng
        self.version: int | None = None
        self.shown_step: int | None = None  # `#shown-step`: which step the forms on the page are for
        self.forms: dict[tuple[int, int], ReflectionForm] = {}
        self.forms_step: int | None = None
        self.in_flight: set[asyncio.Task] = set()
        # A form being sent cannot be sent again until it is answered (htmx disables its button meanwhile;
        # the answer brings a fresh idempotency key). Without this the bench would send two different texts
        # with one key, and the server rightly keeps only the first.
        self.sending: dict[tuple[int, int], asyncio.Lock] = defaultdict(asyncio.Lock)

    def read(self, page: str, *, whole_page: bool) -> None:
        version = first_int(r'id="take-part-status"[^>]*?data-stage-version="(\d+)"', page)
        if version is None:
            version = first_int(r'data-stage-version="(\d+)"', page)
        if version is None:
            self.run.contract_notes["attendee page or fragment without data-stage-version"] += 1
        else:
            self.version = version
        work = work_region(page)
        if work is None:
            if whole_page:
                self.run.contract_notes["attendee page without #take-part-work"] += 1
            return  # a poll's answer for the same step: the forms on the page stay as they are
        self.shown_step = shown_step(work)
        forms = reflection_forms(work)
        self.forms = {form.where: form for form in forms}
        step = forms[0].where[0] if forms else None
        if step is not None and step != self.forms_step:
            self.plan_reflections(step)
        self.forms_step = step

    def plan_reflections(self, step: int) -> None:
        """1-3 reflections for this visit of the step, at random moments before the facilitator moves on."""
        now = self.run.now()
        end = self.run.planned_end_of_visit() - 0.5
        if end - now < 1.0:
            return
        for _ in range(self.rng.randint(1, 3)):
            at = self.rng.uniform(now + 0.5, end)
            task = asyncio.create_task(self.reflect_at(at, step))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)

    async def poll(self) -> None:
        answer = await self.run.request(
            self.client, "attendee poll", "GET", self.path, ok=(200, 204),
            params={"stage": self.version if self.version is not None else "",
                    "step": self.shown_step if self.shown_step is not None else ""},
            headers={"HX-Request": "true"},
        )
        if answer is not None and answer.status_code == 200:
            self.read(answer.text, whole_page=False)

    async def reflect_at(self, at: float, step: int) -> None:
        await asyncio.sleep(max(0.0, at - self.run.now()))
        if self.run.stop_submitting.is_set() or self.forms_step != step or not self.forms:
            return
        where = self.rng.choice(sorted(self.forms))
        async with self.sending[where]:
            if self.run.stop_submitting.is_set() or where not in self.forms:
                return
            await self.reflect(where)

    async def reflect(self, where: tuple[int, int]) -> None:
        form = self.forms[where]
        run = self.run
        token = run.new_token()
        # Someone who joined without a name sends anonymously (the form says so in a hidden input); someone
        # named ticks "anonymous" now and then.
        anonymous = form.fields.get("anonymous") == "yes" or self.rng.random() < run.options.anonymous_share
        data = {**form.fields, "text": f"{token} {self.rng.choice(PHRASES)}"}
        if anonymous:
            data["anonymous"] = "yes"
        roll = self.rng.random()
        double_tap = roll < run.options.double_tap
        retry = not double_tap and roll < run.options.double_tap + run.options.retry
        sent = Sent(token, self.index, where[0], where[1], form.fields["idempotency_key"], anonymous, run.now(),
                    double_tap=double_tap, retried=retry)
        run.sent[token] = sent

        async def post():
            answer = await run.request(self.client, "submit", "POST", form.action or f"{self.path}/responses",
                                       ok=(200, 422), data=data, headers={"HX-Request": "true"})
            return answer, run.now()

        def consider(answer, at: float, label: str = "") -> None:
            kind = answer_kind(answer)
            sent.answers.append(label + kind)
            if kind == "sent":
                sent.acked_at = at if sent.acked_at is None else min(sent.acked_at, at)
            elif answer is not None and answer.status_code == 200:
                run.fail(f"submit: 200 but {kind}", answer.text[:200])
            elif answer is not None and answer.status_code == 422:
                if run.refusal_expected(sent, at):
                    run.refused_after_move += 1
                else:
                    run.fail("submit: HTTP 422 while the step collects", answer.text[:200])

        answers = list(await asyncio.gather(post(), post())) if double_tap else [await post()]
        for answer, at in answers:
            consider(answer, at)
        # A Send that got no answer, or a server error, is tapped again after a moment: the same form, so the
        # same key and the same text (htmx leaves the form as it was). It must still be stored once.
        for _ in range(2):
            if sent.acked_at is not None or any(a is not None and a.status_code < 500 for a, _ in answers):
                break
            await asyncio.sleep(1.0)
            answers.append(await post())
            consider(*answers[-1], label="again after a failure: ")
        if retry and sent.acked_at is not None:
            answers.append(await post())  # the same key again, as a phone does when the answer was lost
            consider(*answers[-1], label="retry: ")
        fresh = next((a for a, _ in reversed(answers) if a is not None and a.status_code == 200), None)
        if fresh is not None:
            new_forms = [f for f in reflection_forms(fresh.text) if f.where == where]
            if not new_forms:
                run.contract_notes["submission answer without a fresh form for the question"] += 1
            elif new_forms[0].fields["idempotency_key"] == sent.key:
                run.contract_notes["fresh form after a submission reuses the idempotency key"] += 1
            elif where in self.forms:  # (not when the step moved on meanwhile)
                self.forms[where] = new_forms[0]


# --- the run ------------------------------------------------------------------------------------------------


async def simulate(options: Options, server: Server, say) -> Run:
    run = Run(options, server.base_url, say)
    facilitator = run.client()
    try:
        await run.sign_in_and_start(facilitator, server.password, server)
        plan = run.schedule()
        say(f"Session {run.public_id}: join code {run.join_code}; {len(run.plan_steps)} steps; moves at "
            + ", ".join(f"{at:.0f} s to step {step + 1}" for at, step in plan))
        cookies = facilitator.cookies
        presenter = run.client(cookies=cookies)
        console = run.client(cookies=cookies)
        run.t0 = time.perf_counter()
        server.mark_cpu()
        run.workers_seen = len(server.worker_pids())
        run.client_cpu_mark = _own_cpu()
        screens = [asyncio.create_task(run.present(presenter)), asyncio.create_task(run.console(console)),
                   asyncio.create_task(run.watch_loop())]
        phones = [asyncio.create_task(run.attendee(index)) for index in range(options.attendees)]
        moves = asyncio.create_task(run.facilitate(facilitator, plan))

        async def progress():
            while not run.stop_polling.is_set():
                await asyncio.sleep(10)
                say(f"  {run.now():5.1f} s  joined {run.joined}, reflections sent {len(run.sent)}, "
                    f"requests {run.requests}, failures {sum(run.failures.values())}")

        reporter = asyncio.create_task(progress())
        await moves
        await asyncio.sleep(max(0.0, options.seconds - run.now()))
        run.stop_submitting.set()
        # Reflections already sent finish; then the presenter has a few seconds to show the last of them.
        deadline = run.now() + 5.0
        while run.now() < deadline:
            acked = {t for t, s in run.sent.items() if s.acked_at is not None and s.step == run.step}
            if acked <= run.seen_at.keys():
                break
            await asyncio.sleep(0.25)
        run.stop_polling.set()
        await asyncio.gather(*phones, *screens, return_exceptions=True)
        reporter.cancel()
        run.wall = run.now()
        run.server_cpu = server.cpu_since_mark()
        run.machine_cpu = machine_busy_seconds() - server.machine_mark
        run.client_cpu = _own_cpu() - run.client_cpu_mark
        await run.end_session(facilitator)
        await presenter.aclose()
        await console.aclose()
    finally:
        await facilitator.aclose()
    return run


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


ID_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{12,}$")


def endpoint_table(access_log: Path, offset: int = 0) -> list[dict]:
    """Requests per endpoint from gunicorn's access log: count, the server's total and p50/p95 time."""
    line_re = re.compile(r'"(\w+) ([^" ]*)[^"]*" (\d{3}) (\d+|-) ([\d.]+)s')
    times: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    try:
        with open(access_log, "rb") as log:
            log.seek(offset)
            lines = log.read().decode(errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        match = line_re.search(line)
        if not match:
            continue
        method, path, status, _, seconds = match.groups()
        parts = ["<id>" if ID_SEGMENT.match(part) else "<n>" if part.isdigit() else part for part in path.split("/")]
        times[(method, "/".join(parts), status)].append(float(seconds))
    total = sum(sum(values) for values in times.values()) or 1.0
    table = []
    for (method, path, status), values in sorted(times.items(), key=lambda item: -sum(item[1])):
        table.append({
            "endpoint": f"{method} {path}", "status": status, "count": len(values),
            "server_s": round(sum(values), 2), "share": round(sum(values) / total * 100, 1),
            **{k: v for k, v in percentiles(values, (50, 95)).items() if k in ("p50", "p95", "max")},
        })
    return table


def check_database(server: Server, run: Run, results: Results) -> None:
    sessions = server.query("SELECT id FROM briefing_sessions WHERE public_id = :pid", {"pid": run.public_id})
    session_id = sessions[0]["id"]
    rows = server.query("SELECT * FROM responses WHERE session_id = :sid", {"sid": session_id})
    stored: Counter = Counter()
    by_token: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        for token in set(TOKEN_RE.findall(row.get("text") or "")):
            stored[token] += 1
            by_token[token].append(row)
    acked = {token for token, sent in run.sent.items() if sent.acked_at is not None}
    lost = [token for token in acked if stored[token] == 0]
    results.lost = len(lost)
    results.lost_examples = [
        {**{k: v for k, v in asdict(run.sent[token]).items()}, "moves": run.moves} for token in lost[:5]
    ]
    results.duplicated = sum(1 for token, count in stored.items() if count > 1)
    keys = Counter(row.get("idempotency_key") for row in rows if row.get("idempotency_key"))
    results.duplicate_keys = sum(1 for count in keys.values() if count > 1)
    results.stored_not_acknowledged = sum(1 for token in stored if token in run.sent and token not in acked)
    if rows and "attendee_id" in rows[0]:
        results.anonymous_linked = sum(
            1 for token in acked if run.sent[token].anonymous
            for row in by_token.get(token, []) if row.get("attendee_id") is not None
        )
    try:
        attendees = server.query(
            "SELECT COUNT(*) AS n FROM attendees WHERE session_id = :sid AND token_hash IS NOT NULL", {"sid": session_id})
        results.attendees_in_database = attendees[0]["n"]
    except Exception:  # noqa: BLE001 - a column named otherwise: the count is only informative
        results.attendees_in_database = None


def summarise(options: Options, run: Run, server: Server) -> Results:
    results = Results(options=asdict(options), workdir=str(server.workdir))
    results.workers_seen = run.workers_seen
    results.database = "SQLite (temporary file)" if server.db_path else f"PostgreSQL, schema {server.pg_schema}"
    results.attendees_joined = run.joined
    results.submissions_sent = len(run.sent)
    times = sorted(sent.sent_at for sent in run.sent.values())
    if len(times) > 1 and times[-1] > times[0]:
        results.reflections_per_second = round(len(times) / (times[-1] - times[0]), 1)
    acked = [sent for sent in run.sent.values() if sent.acked_at is not None]
    results.submissions_acknowledged = len(acked)
    results.double_taps = sum(1 for sent in run.sent.values() if sent.double_tap)
    results.retries = sum(1 for sent in run.sent.values() if sent.retried and sent.acked_at is not None)
    results.refused_after_move = run.refused_after_move
    results.submit_ms = percentiles(run.latency[("submit", 200)])
    seen = [sent for sent in acked if sent.token in run.seen_at]
    results.presenter_ms = percentiles([max(0.0, run.seen_at[s.token] - s.acked_at) for s in seen], (50, 95, 99))
    results.presenter_from_send_ms = percentiles([run.seen_at[s.token] - s.sent_at for s in seen], (50, 95, 99))
    results.not_seen_on_presenter = len(acked) - len(seen)
    for kind in ("attendee poll", "presenter poll", "console poll", "join page", "join", "attendee page"):
        every = [value for (k, _), values in run.latency.items() if k == kind for value in values]
        results.polls[kind] = {
            **percentiles(every, (50, 95, 99)),
            "statuses": {str(status or "no answer"): len(values)
                         for (k, status), values in sorted(run.latency.items()) if k == kind},
        }
    results.requests = run.requests
    results.failures = dict(run.failures)
    results.failure_examples = dict(run.failure_examples)
    results.contract_notes = [f"{note} ({count}x)" for note, count in run.contract_notes.items()]
    results.server_cpu_s = round(run.server_cpu, 2)
    results.machine_cpu_s = round(run.machine_cpu, 2)
    results.server_wall_s = round(run.wall, 2)
    results.client_cpu_s = round(run.client_cpu, 2)
    results.loop_lag_ms = percentiles(run.loop_lag, (50, 95, 99))
    return results


def judge(results: Results) -> None:
    failures = sum(results.failures.values())
    results.correct = failures == 0 and results.lost == 0 and results.duplicated == 0 and results.duplicate_keys == 0
    results.passed = (
        results.correct
        and results.submit_ms.get("n", 0) > 0
        and results.submit_ms["p95"] < TARGET_SUBMIT_P95_MS
        and results.presenter_ms.get("n", 0) > 0
        and results.presenter_ms["p95"] < TARGET_PRESENTER_P95_MS
        and results.attendees_joined == results.options["attendees"]
    )


def report(results: Results, print_=print) -> None:
    o = results.options
    cores = os.cpu_count() or 1

    def ms(figures: dict, points=("p50", "p95", "p99")) -> str:
        if not figures.get("n"):
            return "none"
        return "  ".join(f"{p} {figures[p]:.0f} ms" for p in points if p in figures) + f"  (n={figures['n']})"

    print_()
    print_("== Briefing Room: live session benchmark ==")
    print_(f"server        gunicorn -c gunicorn.conf.py, WORKERS={o['workers'] or 'default'} "
           f"THREADS={o['threads'] or 'default'} ({results.workers_seen} worker processes), "
           f"database {results.database}, {cores} CPU cores shared with this client")
    print_(f"session       {o['briefing']} / {o['template']}, {o['seconds']:.0f} s, {o['attendees']} attendees "
           f"polling every {o['attendee_poll']} s, presenter every {o['presenter_poll']} s, console every {o['console_poll']} s")
    print_(f"attendees     joined {results.attendees_joined} / {o['attendees']}"
           + (f" (register: {results.attendees_in_database} in the database)" if results.attendees_in_database is not None else ""))
    print_(f"reflections   sent {results.submissions_sent}, acknowledged {results.submissions_acknowledged} "
           f"({results.double_taps} double taps, {results.retries} retries with the same key; "
           f"{results.refused_after_move} refused with 422 because the step had moved, as expected); "
           f"{results.reflections_per_second} per second while the room was writing")
    print_(f"submit        {ms(results.submit_ms)}  (send -> 200, every answered POST incl. double taps)")
    print_(f"to presenter  {ms(results.presenter_ms, ('p50', 'p95'))}  (from the 200 acknowledgement to the first "
           f"presenter poll showing it; from sending: p95 {results.presenter_from_send_ms.get('p95', 0):.0f} ms); "
           f"not seen: {results.not_seen_on_presenter}")
    for kind, figures in results.polls.items():
        if figures.get("n"):
            statuses = ", ".join(f"{status}: {count}" for status, count in figures["statuses"].items())
            print_(f"{kind:<14} {figures['n']} requests, p50 {figures['p50']:.0f} ms  p95 {figures['p95']:.0f} ms  "
                   f"p99 {figures['p99']:.0f} ms  ({statuses})")
    failures = sum(results.failures.values())
    print_(f"requests      {results.requests} made, {failures} failed" + (":" if failures else ""))
    for what, count in sorted(results.failures.items(), key=lambda item: -item[1]):
        print_(f"                {count:>6}  {what}   e.g. {results.failure_examples.get(what, '')[:120]!r}")
    print_(f"database      {results.submissions_acknowledged} acknowledged: {results.lost} lost, "
           f"{results.duplicated} stored more than once, {results.duplicate_keys} idempotency keys used twice; "
           f"{results.stored_not_acknowledged} stored but not acknowledged (client gave up)"
           + (f"; anonymous ones linked to an attendee: {results.anonymous_linked}" if results.anonymous_linked is not None else ""))
    wall = results.server_wall_s or 1
    print_(f"server CPU    {results.server_cpu_s:.1f} s over {wall:.0f} s = {results.server_cpu_s / wall * 100:.0f}% of one core "
           f"({results.server_cpu_s / wall / cores * 100:.0f}% of {cores}); this client {results.client_cpu_s:.1f} s "
           f"({results.client_cpu_s / wall * 100:.0f}% of one core), its event-loop lag {ms(results.loop_lag_ms, ('p50', 'p95', 'p99'))}; "
           f"the whole machine was busy {results.machine_cpu_s / wall / cores * 100:.0f}% of its {cores} cores "
           f"(before the run: {results.machine_busy_before_pct:.0f}%)")
    if results.endpoints:
        print_("server time by endpoint (access log: time inside gunicorn's worker thread)")
        print_(f"  {'endpoint':<42} {'status':>6} {'count':>7} {'total s':>8} {'share':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
        for row in results.endpoints[:14]:
            print_(f"  {row['endpoint'][:42]:<42} {row['status']:>6} {row['count']:>7} {row['server_s']:>8.2f} "
                   f"{row['share']:>5.1f}% {row.get('p50', 0):>7.1f} {row.get('p95', 0):>7.1f} {row.get('max', 0):>7.1f}")
    for example in results.lost_examples:
        print_(f"lost          {example}")
    for note in results.contract_notes:
        print_(f"contract      {note}")
    verdict = "PASS" if results.passed else "FAIL"
    print_(
        f"RESULT {verdict}: p95 submit {results.submit_ms.get('p95', float('nan')):.0f} ms (< {TARGET_SUBMIT_P95_MS:.0f}), "
        f"p95 to presenter {results.presenter_ms.get('p95', float('nan')):.0f} ms (< {TARGET_PRESENTER_P95_MS:.0f}), "
        f"{failures} failed (0), {results.lost} lost (0), {results.duplicated} duplicated (0), "
        f"{results.attendees_joined}/{o['attendees']} joined"
    )
    if o["profile"]:
        print_("(profiled run: the server ran under cProfile, so its timings are not valid figures)")


def run(options: Options) -> Results:
    """Start a server, simulate the session, check the database, stop the server; return the figures."""
    say = (lambda *a, **k: None) if options.quiet else (lambda *a, **k: print(*a, **k, flush=True))
    workdir = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    server = Server(options, workdir, say)
    try:
        say(f"Preparing the database and a facilitator in {workdir} ...")
        server.prepare()
        server.start()
        say(f"gunicorn is up at {server.base_url} (workers {server.worker_pids()}); "
            f"{options.attendees} attendees for {options.seconds:.0f} s")
        # How busy the machine is before the run (other programs): figures taken on a busy machine are worse.
        before = machine_busy_seconds()
        time.sleep(2.0)
        background = (machine_busy_seconds() - before) / 2.0 / (os.cpu_count() or 1) * 100
        the_run = asyncio.run(simulate(options, server, say))
        results = summarise(options, the_run, server)
        results.machine_busy_before_pct = round(background, 1)
        server.stop()
        check_database(server, the_run, results)
        results.endpoints = endpoint_table(server.access_log, server.access_log_mark)
        judge(results)
        if options.profile:
            print_profiles(workdir, say)
        return results
    finally:
        server.stop()
        try:
            server.drop_schema()
        finally:
            if not options.keep:
                shutil.rmtree(workdir, ignore_errors=True)


def print_profiles(workdir: Path, say) -> None:
    import io
    import pstats

    files = sorted(workdir.glob("profile.*"))
    if not files:
        say("(no profile was written)")
        return
    stats = pstats.Stats(str(files[0]))
    for extra in files[1:]:
        stats.add(str(extra))
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("cumulative").print_stats(45)
    say(out.getvalue())
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(30)
    say(out.getvalue())


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attendees", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the simulated session")
    parser.add_argument("--database", default="sqlite", help="sqlite (a temporary file) or a postgresql:// URL")
    parser.add_argument("--briefing", default="wigan-child-1-and-2")
    parser.add_argument("--template", default="seven-minute")
    parser.add_argument("--workers", type=int, help="WORKERS for gunicorn.conf.py (default: its own)")
    parser.add_argument("--threads", type=int, help="THREADS for gunicorn.conf.py (default: its own)")
    parser.add_argument("--presenter-poll", type=float, default=0.5, help="seconds between presenter polls")
    parser.add_argument("--attendee-poll", type=float, default=2.0, help="seconds between an attendee page's polls")
    parser.add_argument("--seed", type=int, help="random seed, to repeat a run")
    parser.add_argument("--profile", action="store_true", help="profile the server (cProfile); timings then invalid")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    parser.add_argument("--json", dest="json_path", help="also write the figures to this JSON file")
    parser.add_argument("--quiet", action="store_true", help="print only the figures")
    args = parser.parse_args(argv)
    if args.attendees < 1 or args.seconds < 5:
        parser.error("at least 1 attendee and 5 seconds")
    return Options(
        attendees=args.attendees, seconds=args.seconds, database=args.database, briefing=args.briefing,
        template=args.template, workers=args.workers, threads=args.threads, presenter_poll=args.presenter_poll,
        attendee_poll=args.attendee_poll, seed=args.seed, profile=args.profile, keep=args.keep,
        json_path=args.json_path, quiet=args.quiet,
    )


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # unwinds through run(), which stops the server


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        results = run(options)
    except ContractError as error:
        print(f"The server does not follow the join contract: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted; the server has been stopped.", file=sys.stderr)
        return 130
    report(results)
    if options.json_path:
        Path(options.json_path).write_text(json.dumps(results.to_dict(), indent=2))
    if options.keep:
        print(f"kept: {results.workdir}")
    return 0 if results.correct else 1


if __name__ == "__main__":
    sys.exit(main())
