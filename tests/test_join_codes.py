"""Join codes: enough randomness, no look-alike characters, forgiving about how they are typed."""

from app.sessions.join import ALPHABET, BITS, LENGTH, display, new_join_code, normalise


def test_a_join_code_carries_at_least_40_bits_of_randomness():
    assert BITS >= 40
    assert len({new_join_code() for _ in range(2000)}) == 2000


def test_a_join_code_has_no_characters_that_are_easily_confused():
    assert not set("0O1IL") & set(ALPHABET)
    assert all(set(new_join_code()) <= set(ALPHABET) for _ in range(200))


def test_a_code_is_shown_in_groups_of_three_and_accepted_however_it_is_typed():
    code = new_join_code()
    shown = display(code)
    assert len(shown) == LENGTH + 2 and shown.count("-") == 2
    assert normalise(shown) == code
    assert normalise(" " + shown.lower().replace("-", " ") + " ") == code


def test_something_that_cannot_be_a_code_is_refused():
    assert normalise("") is None
    assert normalise("ABC") is None
    assert normalise("OOOIIILLL") is None
    assert normalise("<script>") is None
