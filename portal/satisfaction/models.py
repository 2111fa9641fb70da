from django.db import models
from django.utils.translation import gettext_lazy as _

COMMENT_MAX = 1000


class Rating(models.Model):
    """A customer's answer to "How did we do?" on a solved request: one per request,
    changeable until the request is closed."""

    class Score(models.TextChoices):
        GOOD = "good", _("Good")
        BAD = "bad", _("Bad")

    ticket_id = models.CharField(max_length=200, unique=True)
    ticket_number = models.IntegerField(null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    rating = models.CharField(_("rating"), max_length=4, choices=Score.choices)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    created_at = models.DateTimeField(_("first rated"), auto_now_add=True)
    rated_at = models.DateTimeField(_("rated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-rated_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"#{self.ticket_number}: {self.get_rating_display()}"


class RatingSettings(models.Model):
    """The one row of switches for ratings (admin → Satisfaction → Rating settings)."""

    add_to_ticket = models.BooleanField(
        _("add each rating to the ticket"),
        default=True,
        help_text=_(
            'As the customer\'s public message ("Rated: good — …"), so agents see it in '
            "Tixallo. Tixallo opens a solved request again when the customer writes, so the "
            "portal marks it solved again after the message."
        ),
    )

    class Meta:
        verbose_name = _("rating settings")
        verbose_name_plural = _("rating settings")

    def __str__(self) -> str:
        return str(_("Rating settings"))

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1  # a singleton
        super().save(*args, **kwargs)


def adds_to_ticket() -> bool:
    row = RatingSettings.objects.filter(pk=1).first()
    return row.add_to_ticket if row else True
