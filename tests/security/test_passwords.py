"""Passwords people guess first are refused, whatever their length (#14.7)."""

import pytest

from core.auth import AccountError, check_password_strength


@pytest.mark.parametrize(
    "password",
    [
        "123456789012",
        "passwordpassword",
        "qwertyuiopasdfgh",
        "Password12345678",
        "abcabcabcabc",
        "iloveyou20262026",
        "anna.becker@agentur.example",
        "AnnaBecker2026!",
        "000000000000",
    ],
)
def test_a_common_or_personal_password_is_refused(password):
    with pytest.raises(AccountError):
        check_password_strength(
            password, email="anna.becker@agentur.example", name="Anna Becker"
        )


@pytest.mark.parametrize(
    "password", ["Brückenpfeiler im Nebel", "correct horse battery", "k7#Tq9!vLm2@"]
)
def test_a_good_password_is_taken(password):
    check_password_strength(
        password, email="anna.becker@agentur.example", name="Anna Becker"
    )


def test_the_list_is_at_least_as_large_as_djangos():
    from core.passwords import common_passwords

    assert len(common_passwords()) >= 19_000


@pytest.mark.parametrize(
    "password",
    [
        "password123 ",
        "  123456789012",
        "abcabcabcabc ",
        " 000000000000",
        "passwordpassword ",
        "\tpasswordpassword",
        " AnnaBecker2026! ",
    ],
)
def test_spaces_around_a_guessable_password_do_not_hide_it(password):
    with pytest.raises(AccountError):
        check_password_strength(
            password, email="anna.becker@agentur.example", name="Anna Becker"
        )
