"""gunicorn settings: `gunicorn -c gunicorn.conf.py 'app:create_app()'` (what `make run` and bench/ run).

Sized for one facilitator and a few hundred attendees whose phones poll every 2 s (the console and the
presenter poll every 0.5-1 s). Environment variables change it; an empty value means "the default":

    HOST, PORT   where to listen                                  (127.0.0.1, 5000)
    WORKERS      server processes                                 (two per CPU core)
    THREADS      threads per process, each serving one request    (2)
    ACCESS_LOG   1 or - = access log on stdout, 0 = none,
                 anything else = a file to append it to           (1)
"""

from __future__ import annotations

import os


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def _positive_int(name: str, default: int) -> int:
    value = _env(name, str(default))
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"gunicorn.conf.py: {name} must be a whole number of at least 1, not {value!r}")
    return int(value)


bind = f"{_env('HOST', '127.0.0.1')}:{_positive_int('PORT', 5000)}"

# gthread: each worker process runs a thread pool for requests, and a poller for the connections in between.
# A phone's kept-alive connection waits in that poller between its polls without holding a thread, so a few
# threads serve hundreds of phones; with the sync worker every connection would hold a whole process.
worker_class = "gthread"

# Workers and threads: two processes per CPU core, two threads each. Python runs one thread of a process at a
# time (the GIL), and a thread that waits on the database or the network gives it up and must then wait for it
# again, up to 5 ms each time, behind whichever thread is rendering a long page (the console, the presenter).
# A submission makes about twenty such waits, so with 8 threads per process it was those waits, not the work,
# that made the slowest submissions slow. With two threads per process the operating system, not the GIL,
# shares the cores between requests. Measured with bench/live_session.py at 300 attendees on this 2-core
# machine (bench/README.md): p95 submission 46-56 ms with 4 x 2, 65-67 ms with 4 x 4 and 6 x 2, 109-213 ms
# with 2 x 8. Idle kept-alive connections do not hold a thread, so 2 threads serve hundreds of phones.
workers = _positive_int("WORKERS", 2 * max(1, os.cpu_count() or 1))
threads = _positive_int("THREADS", 2)

# Connections a process holds open at once, in requests or kept alive between a phone's polls.
worker_connections = 1000

# Phones poll every 2 s: 5 s keeps each phone on one connection between polls (no new TCP handshake per poll)
# and still closes the connections of phones that went away within a few seconds.
keepalive = 5

# A worker that has not checked in for 30 s is killed and replaced (no request here takes anywhere near that).
timeout = 30
# On SIGTERM or a reload, requests in progress get 10 s to finish; every request is short.
graceful_timeout = 10

# gunicorn >= 25 opens a control socket at one fixed path per user ($XDG_RUNTIME_DIR or ~/.gunicorn), which a
# second server (the benchmark beside `make run`) would fight over. Nothing here uses it.
control_socket_disable = True

_access_log = _env("ACCESS_LOG", "1")
if _access_log.lower() in {"0", "no", "off", "false"}:
    accesslog = None
elif _access_log.lower() in {"1", "-", "yes", "on", "true"}:
    accesslog = "-"
else:
    accesslog = _access_log
# The path without the query string: a join link's query carries the session's join code, which a log file
# should not keep. %(L)s is the time the request took, in seconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss %(p)s'
# An invitation or reset link's token is in the path: logged as /invitations/[link] (app/access_log.py).
logger_class = "app.access_log.LinkTokenRedactingLogger"

