"""gunicorn settings: `gunicorn -c gunicorn.conf.py 'app:create_app()'` (what `make run` and bench/ run).

Sized for one facilitator and a few hundred attendees whose phones poll every 2 s (the console and the
presenter poll every 0.5-1 s). Environment variables change it; an empty value means "the default":

    HOST, PORT   where to listen                                  (127.0.0.1, 5000)
    WORKERS      server processes                                 (the number of CPU cores, at least 2)
    THREADS      threads per process, each serving one request    (8)
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

# Workers: one per CPU core, and at least two. Rendering pages is CPU-bound Python, and the GIL lets one
# process use about one core however many threads it has; so one process per core uses the machine, and more
# processes than cores only add memory, database connections and context switches. Two at least, so that one
# slow request (an import, an export) never stalls everyone's polls. bench/live_session.py on this 2-core
# machine (300 phones): 1 process was clearly the worst, 2 and 4 were alike (bench/README.md has the runs).
workers = _positive_int("WORKERS", max(2, os.cpu_count() or 1))

# Threads: a request spends part of its time waiting (the database's write lock, the socket), and 8 threads
# let a process keep its core busy through that. It is not the number of phones: idle connections hold none.
threads = _positive_int("THREADS", 8)

# Connections a process holds open at once (in requests or kept alive). 1000 - threads may be kept alive.
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
