from django.db import models
from django.utils.translation import gettext_lazy as _


class MutedTicket(models.Model):
    """A request whose customer asked for no more answer emails. A row while muted;
    unmuting deletes it."""

    ticket_id = models.CharField(max_length=200, primary_key=True)
    muted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("muted request")
        verbose_name_plural = _("muted requests")

    def __str__(self) -> str:
        return self.ticket_id


def is_muted(ticket_id: str) -> bool:
    return MutedTicket.objects.filter(pk=ticket_id).exists()


def set_muted(ticket_id: str, muted: bool) -> None:
    if muted:
        MutedTicket.objects.get_or_create(pk=ticket_id)
    else:
        MutedTicket.objects.filter(pk=ticket_id).delete()
