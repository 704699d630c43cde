"""Join codes: short, typed on a phone, read off a projector, guessed by nobody.

The alphabet leaves out characters that are easily confused when read aloud or from the back of a room
(0/O, 1/I/L, U/V), so nine characters carry 9 × log2(29) ≈ 43.7 bits of randomness: more than the 40 bits a
code must have. Codes are shown in groups of three ("K7P-3XW-QH9") and accepted however they are typed.
"""

from __future__ import annotations

import math
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 9
BITS = LENGTH * math.log2(len(ALPHABET))


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    return "-".join(code[i : i + 3] for i in range(0, len(code), 3))


def normalise(typed: str) -> str | None:
    """The code as stored, from what a person typed (any case, spaces or dashes); None if it cannot be one."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch not in " -_.")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned
