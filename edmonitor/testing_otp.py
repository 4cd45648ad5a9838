"""The code an authenticator app shows (RFC 6238 TOTP over RFC 4226 HOTP), computed independently of django-otp.

Used by the two-step verification tests (accounts/tests, e2e/) to type what a person's phone would show.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time


def totp(secret: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code for the base32 ``secret`` (spaces allowed) at time ``at`` (default: now)."""
    compact = secret.replace(" ", "").upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{number:0{digits}d}"
