"""Argon2id password hashing at the cost set in PASSWORD_HASHING, and
the check that a new password is not one people guess first."""

import gzip
import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
    )


def hasher() -> PasswordHasher:
    """The Argon2id hasher at the app's PASSWORD_HASHING cost."""
    return _hasher(**current_app.config["PASSWORD_HASHING"])


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    # Verified against when the user does not exist, so timing does not reveal
    # existence: made at the same cost as the real ones.
    return hasher.hash("no such user")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if the password matches; costs the same time for a missing user."""
    current = hasher()
    try:
        return current.verify(password_hash or _dummy_hash(current), password) and (
            bool(password_hash)
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash uses other parameters than today's."""
    return hasher().check_needs_rehash(password_hash)


DATA = Path(__file__).resolve().parent / "data"
# The product's own name and its published demo password: the first a guesser tries.
OWN_WORDS = ("brueckenschlag", "brückenschlag", "bruecke-demo", "brücke-demo")
SEQUENCES = ("qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm", "1234567890")
ALPHABET = "abcdefghijklmnopqrstuvwxyz"


@cache
def common_passwords() -> frozenset[str]:
    """Django's list of 20,000 common passwords (BSD licence, core/data)."""
    with gzip.open(DATA / "common-passwords.txt.gz", "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_guessable(password: str) -> bool:
    """Common, common with digits or signs around it, containing the product's
    name, one unit repeated, only digits, or a run along the keyboard or the
    alphabet."""
    lowered = password.lower()
    core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered)
    return (
        any(word in lowered for word in OWN_WORDS)
        or lowered in common_passwords()
        or core in common_passwords()
        or re.fullmatch(r"(.+?)\1+", lowered) is not None
        or lowered.isdigit()
        or any(lowered in run or lowered in run[::-1] for run in (*SEQUENCES, ALPHABET))
    )


def mentions(password: str, email: str, name: str) -> bool:
    """True if the password contains a part of the person's address or name."""
    parts = re.split(r"[\W_]+", f"{email.split('@')[0]} {name}".lower())
    lowered = password.lower()
    return any(len(part) >= 3 and part in lowered for part in parts)
