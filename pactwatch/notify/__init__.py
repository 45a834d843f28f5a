"""Notify: alerts out of the rules (signed webhooks), a stage beside export."""

from pactwatch.notify.webhook import (
    Delivery,
    WebhookSettings,
    alert_body,
    change_key,
    deliver,
    deliver_change,
    idempotency_key,
    sign,
    verify_signature,
)

__all__ = [
    "Delivery",
    "WebhookSettings",
    "alert_body",
    "change_key",
    "deliver",
    "deliver_change",
    "idempotency_key",
    "sign",
    "verify_signature",
]
