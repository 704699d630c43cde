"""The personal-data nudge: what it flags in a reflection, and what it leaves alone."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sessions.privacy import find_personal_data, nhs_number_is_valid, nudge

TODAY = date(2026, 11, 25)


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_personal_data(text, TODAY)]


@pytest.mark.parametrize(
    "text, kind, found",
    [
        ("Email the SW at jo.bloggs@council.gov.uk about it", "email", "jo.bloggs@council.gov.uk"),
        ("Mum's number is 07700 900123", "phone", "07700 900123"),
        ("call +44 7700 900123 after 5", "phone", "+44 7700 900123"),
        ("landline 0161 496 0000", "phone", "0161 496 0000"),
        ("NHS number 943 476 5919 on the referral", "nhs_number", "943 476 5919"),
        ("nhs 9434765919", "nhs_number", "9434765919"),
        ("they lived at WN1 1AB near the park", "postcode", "WN1 1AB"),
        ("moved to sw18 2pu last year", "postcode", "sw18 2pu"),
        ("EC1A 1BB", "postcode", "EC1A 1BB"),
        ("Child born 14/03/2015 was not seen", "date_of_birth", "14/03/2015"),
        ("DOB 3 March 2016", "date_of_birth", "3 March 2016"),
        ("the child (12.01.19) missed appointments", "date_of_birth", "12.01.19"),
    ],
)
def test_personal_data_in_a_reflection_is_found_and_named(text, kind, found):
    findings = find_personal_data(text, TODAY)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert text[findings[0].start : findings[0].end] == found


@pytest.mark.parametrize(
    "text",
    [
        "We need better supervision and professional curiosity.",
        "Around 1234567890 referrals a year",  # ten digits that fail the NHS check
        "Step 2 of 5 took 10:30 minutes",
        "Review the plan by 31/12/2027",  # a future date is a deadline, not a birthday
        "In 2019 the review found 7 missed opportunities",
        "Use the ACE toolkit; see section 4.2.1",
        "Meet in room B12 at 3pm",
        "Email is not always the best way to share information",
    ],
)
def test_ordinary_reflections_are_not_flagged(text):
    assert kinds(text) == []


def test_the_nhs_check_digit_separates_real_numbers_from_any_ten_digits():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("0000000000")


def test_the_nudge_names_everything_found_and_reminds_about_identifying_people():
    findings = find_personal_data("jo@x.org, 07700 900123, jo@y.org", TODAY)
    message = nudge(findings)
    assert message.startswith("This looks like it contains an email address and a phone number.")
    assert "should not identify a child, a family or an address" in message


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_is_checked_without_error_and_findings_point_into_it(text):
    for finding in find_personal_data(text, TODAY):
        assert text[finding.start : finding.end] == finding.text
