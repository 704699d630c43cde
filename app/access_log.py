"""The server's access log without the one-time links: an invitation or password reset link carries its token in
the path (/invitations/<token>, /reset/<token>), and a log file kept for months would otherwise hold working
links to make someone's account. gunicorn.conf.py names this logger; the path is logged as
/invitations/[link] instead. (A join link's code is in the query string, which the log format leaves out.)"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# The public pages that take a link's token as the last part of the path (app/web/people.py).
_LINK_PATH = re.compile(r"^(/(?:invitations|reset)/)[^/]+")


def without_link_tokens(path: str | None) -> str | None:
    """`path` as the access log may keep it: a link's token replaced by "[link]"."""
    return _LINK_PATH.sub(r"\1[link]", path) if path else path


class LinkTokenRedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = without_link_tokens(atoms.get("U"))
        atoms["r"] = "-"  # the request line holds the raw address; the format logs %(m)s and %(U)s instead
        return atoms
