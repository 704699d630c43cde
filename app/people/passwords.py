"""What a new password must be: NCSC and NIST SP 800-63B advise length and a list of passwords known to be
common, not rules about character classes. The list is zxcvbn's (30,000 passwords from leaked sets), which the
package ships as data."""

from __future__ import annotations

from functools import lru_cache

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing megabytes would be a cheap way to load the server


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, name: str = "", email: str | None = None) -> str | None:
    """Why `password` will not do, as a sentence for the form; None when it will."""
    if len(password) < MIN_LENGTH:
        return f"Choose a password of at least {MIN_LENGTH} characters: yours has {len(password)}."
    if len(password) > MAX_LENGTH:
        return f"Choose a password of at most {MAX_LENGTH} characters."
    folded = password.casefold()
    # "password12345" and "Qwertyuiop123!" are a common password with a little added: strip what people add.
    core = folded.rstrip("0123456789!?.*#@$ ")
    if folded in _common() or (len(core) >= 6 and core in _common()) or len(set(folded)) <= 2:
        return "That password is on the list of common passwords that guessers try first. Choose another."
    personal = [part.casefold() for part in (name, (email or "").split("@")[0]) if len(part.strip()) >= 4]
    if any(part.strip() in folded for part in personal):
        return "Choose a password that does not contain your name or email address."
    return None
