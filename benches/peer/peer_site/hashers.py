"""Argon2id with the same cost parameters as Kabinet (OWASP's minimum).

Django's Argon2PasswordHasher already uses argon2.low_level.Type.ID
(argon2id, version 19); only the cost parameters differ from its defaults
(t=2, m=102400 KiB, p=8).
"""
from django.contrib.auth.hashers import Argon2PasswordHasher


class KabinetArgon2idHasher(Argon2PasswordHasher):
    # Keep the algorithm name "argon2" so stored hashes read
    # "argon2$argon2id$v=19$m=19456,t=2,p=1$..." and Django's own hasher
    # could verify them as well.
    time_cost = 2
    memory_cost = 19456  # KiB = 19 MiB
    parallelism = 1
