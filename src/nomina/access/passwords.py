"""Passwords: Argon2id (argon2-cffi's RFC 9106 low-memory profile), never stored in clear."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id; time 3, memory 64 MiB, parallelism 4


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: at least {MIN_PASSWORD_LENGTH} characters, please")
    if password.strip() != password or not password.strip():
        raise ValueError("password: no leading or trailing spaces")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Checked against when the user is unknown, so a login takes as long either way.
_DUMMY = None


def burn_time(password: str) -> None:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password("not a password of anyone")
    verify_password(_DUMMY, password)
