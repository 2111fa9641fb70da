import hashlib

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PRIORITY_WORDS = [  # as customers read them (the submit form's words)
    ("low", _("Low")),
    ("medium", _("Normal")),
    ("high", _("High")),
    ("urgent", _("Urgent")),
]

# At least an hour, at most a month: 0 would expire every request at once, and a huge
# number overflows the date arithmetic.
HOLD_HOURS = (1, 720)
# A private ticket link older than this is refused (a fresh one is emailed on request);
# bounded so a typo neither locks every customer out nor makes links eternal again.
LINK_DAYS = (1, 730)
# Customer sessions: signed out after this many days without a visit, and after this
# many days in any case.
SESSION_IDLE_DAYS = (1, 90)
SESSION_MAX_DAYS = (1, 365)


class PortalSettings(models.Model):
    """The one row of settings an admin edits (pk is always 1). Secrets are stored
    encrypted (`crypto`), and the admin form never shows them back."""

    api_key_encrypted = models.TextField(_("Tixallo API key"), blank=True, editable=False)
    base_url = models.URLField(
        _("Tixallo base URL"),
        blank=True,
        max_length=300,
        help_text=_("Changing the host removes the saved API key: enter the key again with it."),
    )
    # Where the saved key may go (scheme://host:port): never to any other host.
    api_key_origin = models.CharField(max_length=300, blank=True, editable=False)
    portal_url = models.URLField(
        _("portal address"),
        blank=True,
        max_length=300,
        help_text=_(
            "The public address of this portal, e.g. https://support.example.com, for the "
            "links in emails and the embed snippet."
        ),
    )
    webhook_secret_encrypted = models.TextField(
        _("webhook signing secret"), blank=True, editable=False
    )
    identity_secret_encrypted = models.TextField(
        _("identity verification secret"), blank=True, editable=False
    )
    allowed_origins = models.TextField(
        _("sites allowed to embed the portal"),
        blank=True,
        help_text=_("One origin per line, e.g. https://www.example.com"),
    )
    portal_name = models.CharField(_("portal name"), max_length=80, blank=True)
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=40, blank=True, editable=False)
    accent_colour = models.CharField(_("accent colour"), max_length=7, blank=True)
    support_email = models.EmailField(_("support email"), blank=True)
    footer_text = models.CharField(_("footer text"), max_length=300, blank=True)
    allow_priority = models.BooleanField(_("customers choose a priority"), default=True)
    default_priority = models.CharField(
        _("priority when customers don't choose"),
        max_length=10,
        choices=PRIORITY_WORDS,
        default="medium",
    )
    email_agent_answers = models.BooleanField(
        _("email customers when an agent answers"),
        default=False,
        help_text=_(
            "An email with the agent's public reply, or the news that the request is solved, "
            "and the private link. Leave it off if Tixallo already emails your customers."
        ),
    )
    hold_unverified = models.BooleanField(
        _("hold requests until the email is confirmed"),
        default=False,
        help_text=_(
            "A new request from an email address that has not been confirmed yet waits until "
            "the customer clicks the link emailed to them; then it is sent to Tixallo."
        ),
    )
    hold_hours = models.PositiveIntegerField(
        _("hours a held request waits for confirmation"),
        default=72,
        validators=[MinValueValidator(HOLD_HOURS[0]), MaxValueValidator(HOLD_HOURS[1])],
    )
    ticket_link_days = models.PositiveIntegerField(
        _("days a private ticket link works"),
        default=90,
        validators=[MinValueValidator(LINK_DAYS[0]), MaxValueValidator(LINK_DAYS[1])],
        help_text=_("An older link shows a page that emails a fresh one to the ticket's address."),
    )
    session_idle_days = models.PositiveIntegerField(
        _("days a signed-in customer stays signed in without a visit"),
        default=7,
        validators=[
            MinValueValidator(SESSION_IDLE_DAYS[0]),
            MaxValueValidator(SESSION_IDLE_DAYS[1]),
        ],
    )
    session_max_days = models.PositiveIntegerField(
        _("days a customer's sign-in lasts at most"),
        default=30,
        validators=[
            MinValueValidator(SESSION_MAX_DAYS[0]),
            MaxValueValidator(SESSION_MAX_DAYS[1]),
        ],
    )
    # The last change of a connection or security setting, for the Health page (admin's
    # history names the fields).
    security_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    security_changed_by = models.CharField(max_length=150, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")
        permissions = [
            # The plain change permission covers the look and the wordings; these decide
            # who sees what and where customers' links and tokens go.
            ("change_security_settings", _("Can change connection and security settings")),
            ("view_health", _("Can see the Health page")),
        ]

    def __str__(self) -> str:
        return str(_("Portal settings"))

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1  # a singleton
        super().save(*args, **kwargs)

    @property
    def logo_version(self) -> str:
        """Empty without a logo; changes with it (cache busting)."""
        return hashlib.sha256(bytes(self.logo)).hexdigest()[:12] if self.logo else ""
