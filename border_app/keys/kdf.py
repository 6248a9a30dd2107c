"""Argon2id, the key derivation that turns a user's password into the key wrapping the
keystore's master key in that user's slot."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from argon2.low_level import Type, hash_secret_raw

# Bounds for parameters read from a file: bounded time and memory on a hostile file.
KDF_MAX_TIME = 16
KDF_MIN_MEMORY_KIB = 1024
KDF_MAX_MEMORY_KIB = 1024 * 1024
KDF_MAX_PARALLELISM = 8


def normalise_password(password: str) -> bytes:
    """The password as derived: NFC-normalised, UTF-8."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters of a key slot. ``DEFAULT`` (2 passes, 64 MiB, 1 lane) takes
    about 0.13-0.2 s on the 2-core development machine, so roughly 0.2-0.4 s on a
    low-spec laptop (sign-in also runs the account's password hash); ``TEST`` is for
    tests only. Parameters are stored in each slot: raising the default later only
    affects new or re-wrapped slots."""

    time_cost: int = 2
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 1

    DEFAULT: ClassVar[KdfParams]
    TEST: ClassVar[KdfParams]

    def to_json(self) -> dict:
        return {"name": "argon2id", "time_cost": self.time_cost,
                "memory_cost_kib": self.memory_cost_kib, "parallelism": self.parallelism}

    @classmethod
    def from_json(cls, d: Any) -> "KdfParams":
        if not isinstance(d, dict) or d.get("name") != "argon2id":
            raise ValueError("unknown key derivation")
        values = [d.get("time_cost"), d.get("memory_cost_kib"), d.get("parallelism")]
        if not all(type(v) is int for v in values):
            raise ValueError("bad key derivation parameters")
        params = cls(*cast(list[int], values))
        params.check()
        return params

    def check(self) -> None:
        if not (1 <= self.time_cost <= KDF_MAX_TIME
                and 1 <= self.parallelism <= KDF_MAX_PARALLELISM
                and max(KDF_MIN_MEMORY_KIB, 8 * self.parallelism) <= self.memory_cost_kib <= KDF_MAX_MEMORY_KIB):
            raise ValueError("key derivation parameters out of bounds")

    def derive(self, password: str, salt: bytes) -> bytes:
        return hash_secret_raw(normalise_password(password), salt, time_cost=self.time_cost,
                               memory_cost=self.memory_cost_kib, parallelism=self.parallelism,
                               hash_len=32, type=Type.ID)


KdfParams.DEFAULT = KdfParams()
KdfParams.TEST = KdfParams(1, 8 * 1024, 1)
