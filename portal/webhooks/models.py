"""What the receiver remembers: which events it has applied, and how new the newest
change it heard of is, per ticket. Both are written in the transaction that applies
an event, so a delivery counts once or not at all."""

from django.db import models
from django.utils import timezone


class ReceivedEvent(models.Model):
    """One applied event. The unique event id turns a repeated delivery into a no-op."""

    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=40)
    ticket_id = models.CharField(max_length=255)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_id"], name="webhooks_event_once")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class TicketSeen(models.Model):
    """The newest `updated_at` an event told of, per ticket: older events change nothing."""

    ticket_id = models.CharField(max_length=255, primary_key=True)
    updated_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.ticket_id} @ {self.updated_at.isoformat()}"
