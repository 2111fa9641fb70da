"""The small forms on a request's page besides the reply: the rating and the answer
emails switch (each posts to its own view)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.satisfaction.models import COMMENT_MAX, Rating
from portal.tickets.forms import IdempotentForm


class RatingForm(IdempotentForm):
    rating = forms.ChoiceField(label=_("Your rating"), choices=Rating.Score.choices)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=COMMENT_MAX)


class AnswerEmailsForm(forms.Form):
    emails = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])
