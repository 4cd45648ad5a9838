"""``Idempotency-Key``: a create retried with the same key stores once and gets the same answer.

A program that sends a measurement and loses the connection before the answer cannot know
whether it was stored; sending it again with the same key is then safe. The key is kept per
person for :data:`KEPT` (``api.IdempotentRequest``); the same key with a different request is
refused (422), so a program's mistake does not silently return another request's answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from edmonitor.core.types import signed_in

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEPT = dt.timedelta(days=1)


def _fingerprint(request: Request) -> str:
    """Method, path and the parsed body (keys sorted: the same data in another order is the same request)."""
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256("\0".join((request.method or "", request.path, body)).encode()).hexdigest()


def _replay(stored: IdempotentRequest, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        return Response(
            {"detail": _("This Idempotency-Key was used for another request. Use a new key for a new request.")},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    response = Response(stored.response, status=stored.status)
    response["Idempotent-Replayed"] = "true"
    return response


def once(request: Request, create: Callable[[], Response]) -> Response:
    """Run ``create`` (which stores and answers) at most once per key; without a key, just run it.

    ``create`` runs in the transaction that stores the key, so a create that fails stores neither.
    Only successful answers (2xx) are kept: a refused request may be corrected and sent again.
    """
    key = request.headers.get(HEADER, "")
    if not key:
        return create()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return Response(
            {"detail": _("An Idempotency-Key is at most %(n)d printable characters.") % {"n": MAX_KEY_LENGTH}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    fingerprint = _fingerprint(request)
    user = signed_in(request.user)
    expired = timezone.now() - KEPT
    IdempotentRequest.objects.filter(created_at__lt=expired).delete()  # everyone's: the table holds one day
    fresh = IdempotentRequest.objects.filter(user=user, key=key, created_at__gte=expired)
    stored = fresh.first()
    if stored is not None:
        return _replay(stored, fingerprint)
    try:
        with transaction.atomic():
            # Taken before the create: a second request with this key waits here until the first is done.
            claim = IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint, status=0, response={})
            response = create()
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
                return response
            claim.status, claim.response = response.status_code, response.data
            claim.save(update_fields=["status", "response"])
            return response
    except IntegrityError:
        # Another request with this key was stored meanwhile: answer as it was answered.
        return _replay(IdempotentRequest.objects.get(user=user, key=key), fingerprint)
