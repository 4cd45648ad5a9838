"""Password hashing: Argon2id with the parameters OWASP recommends, sized for a server with many logins at once.

Django's Argon2 hasher uses 100 MiB of memory per hash (``memory_cost=102400``) with 8 lanes.
Every login hashes once, so a worker with four threads that gets four logins at the same moment
(the start of a working day, the 50 users of the benchmark) grows by 400 MiB, which is what the
benchmark found (bench/README.md, "Memory"). The OWASP Password Storage Cheat Sheet recommends
Argon2id with at least 19 MiB of memory, 2 iterations and 1 lane, as equal in strength to its
other settings; that is what edmonitor uses. The algorithm keeps Django's name ``argon2``, so every
stored hash still verifies, and a hash with other parameters is replaced by one with these at the
user's next login (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB: 19 MiB
    parallelism = 1
