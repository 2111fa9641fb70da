from django.db import models


class UsedSignInLink(models.Model):
    """A redeemed sign-in link: the unique key makes each link work once, in every process."""

    nonce = models.CharField(max_length=64, primary_key=True)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Created by the tickets app's migrations before this package existed: the label
        # keeps the table and its migrations there, so moving the code moved no data.
        app_label = "tickets"

    def __str__(self) -> str:
        return f"sign-in link used at {self.used_at:%Y-%m-%d %H:%M}"
