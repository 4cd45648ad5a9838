"""What the API keeps of its own: the answers to creates sent with an ``Idempotency-Key``."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """A create sent with an ``Idempotency-Key``: its answer, given again to a retry of the same request.

    Stored in the same transaction as what the create stored, so either both exist or neither.
    ``fingerprint`` is a hash of method, path and body: the same key with another request is refused.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]  # removing expired ones

    def __str__(self) -> str:
        return self.key
