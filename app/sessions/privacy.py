"""Spot text that looks like personal data, so its author can be nudged before it is shown.

Reflections should never identify a child, a family or an address. This finds what commonly slips in: an
email address, a UK phone number, an NHS number (only when its check digit is valid, so ordinary ten-digit
numbers are not flagged), a UK postcode, and a date of birth (a full date in the past, or any date next to
"born", "DOB" or "date of birth"). It is a nudge, not a filter: the person can edit or confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

LABELS = {
    "email": "an email address",
    "phone": "a phone number",
    "nhs_number": "an NHS number",
    "postcode": "a postcode",
    "date_of_birth": "a date of birth",
}

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# +44 or 0, then 9 or 10 more digits with optional spaces, dashes, dots or brackets (UK numbers are 10-11 digits).
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s.-]?\d){5,8}\b")
NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?![\d-])")
# The UK postcode shapes: A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA.
POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    "|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
WORDED_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
BIRTH_WORDS = re.compile(r"\b(?:born|d\.?o\.?b\.?|date of birth|birthday)\b", re.IGNORECASE)
MONTH_NUMBERS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of LABELS
    text: str  # what was found, as typed
    start: int
    end: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's Modulus 11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _date_or_none(day: int, month: int, year: int, today: date) -> date | None:
    if year < 100:
        year += 2000 if year <= today.year % 100 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dates(text: str, today: date):
    for match in NUMERIC_DATE.finditer(text):
        found = _date_or_none(int(match.group(1)), int(match.group(2)), int(match.group(3)), today)
        if found:
            yield match, found
    for match in WORDED_DATE.finditer(text):
        month = MONTH_NUMBERS[match.group(2)[:3].lower()]
        found = _date_or_none(int(match.group(1)), month, int(match.group(3)), today)
        if found:
            yield match, found


def find_personal_data(text: str, today: date) -> list[Finding]:
    """Everything in `text` that looks like personal data, in the order it appears."""
    findings: list[Finding] = []

    def add(kind: str, match: re.Match) -> None:
        findings.append(Finding(kind, match.group(0), match.start(), match.end()))

    for match in EMAIL.finditer(text):
        add("email", match)
    for match in NHS_NUMBER.finditer(text):
        if nhs_number_is_valid("".join(match.groups())):
            add("nhs_number", match)
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        national = "0" + digits[2:] if digits.startswith("44") else digits
        if 10 <= len(national) <= 11 and not _overlaps(findings, match):
            add("phone", match)
    for match in POSTCODE.finditer(text):
        # "a9 9aa" typed in lower case still counts; a word like "in 2am" does not match the shape.
        if not _overlaps(findings, match):
            add("postcode", match)
    for match, found in _dates(text, today):
        near_birth_words = BIRTH_WORDS.search(text[max(0, match.start() - 30) : match.start()])
        if (found < today or near_birth_words) and not _overlaps(findings, match):
            add("date_of_birth", match)
    return sorted(findings, key=lambda finding: finding.start)


def _overlaps(findings: list[Finding], match: re.Match) -> bool:
    return any(f.start < match.end() and match.start() < f.end for f in findings)


def nudge(findings: list[Finding]) -> str:
    """The reminder shown to the author, naming what was found."""
    kinds = []
    for finding in findings:
        if finding.label not in kinds:
            kinds.append(finding.label)
    listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return (
        f"This looks like it contains {listed}. Reflections should not identify a child, a family or an "
        "address: edit it, or confirm that it is fine to share."
    )
