"""The request forms as the pages read them: plain definitions, kept per process under the
forms' version in the shared store, which an admin's change bumps (one key for all, never
derived from what a visitor sends)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language

from portal.requestforms.models import FormField, RequestForm, lines
from portal.shared import store

CACHE_KEY = "request-forms:v1"
VERSION_KEY = "request-forms:version"

Texts = dict[str, str]  # language code → text; English always there


def in_language(texts: Texts, language: str | None = None) -> str:
    """The text in the active language (or `language`), else the English one."""
    return texts.get((language or get_language() or "en")[:2]) or texts["en"]


@dataclass(frozen=True)
class Field:
    key: str  # the form field's name, stable while the field exists
    kind: str
    required: bool
    label_texts: Texts
    help_texts: Texts
    options: dict[str, tuple[str, ...]]  # per language; the English ones are the values

    @property
    def label(self) -> str:
        return in_language(self.label_texts)

    @property
    def help(self) -> str:
        return in_language(self.help_texts)


@dataclass(frozen=True)
class Definition:
    slug: str
    name_texts: Texts
    help_texts: Texts
    priority: str  # "", "ask" or a fixed priority
    prefix_subject: bool
    fields: tuple[Field, ...]

    @property
    def name(self) -> str:
        return in_language(self.name_texts)

    @property
    def help(self) -> str:
        return in_language(self.help_texts)


def offered() -> list[Definition]:
    """The active forms, in the admin's order."""
    return store.per_version(VERSION_KEY, CACHE_KEY, lambda: [_definition(f) for f in _active()])


def _active() -> list[RequestForm]:
    return list(RequestForm.objects.filter(active=True).prefetch_related("fields"))


def _texts(row: object, name: str) -> Texts:
    """{"en": row.name, "de": row.name_de, …} for every language the portal speaks."""
    texts = {"en": getattr(row, name)}
    for code, _language in settings.LANGUAGES:
        if code != "en" and getattr(row, f"{name}_{code}", ""):
            texts[code] = getattr(row, f"{name}_{code}")
    return texts


def _definition(form: RequestForm) -> Definition:
    fields = tuple(
        Field(
            key=f"field_{field.pk}",
            kind=field.kind,
            required=field.required,
            label_texts=_texts(field, "label"),
            help_texts=_texts(field, "help"),
            options={code: tuple(lines(text)) for code, text in _texts(field, "options").items()},
        )
        for field in form.fields.all()
    )
    return Definition(
        slug=form.slug,
        name_texts=_texts(form, "name"),
        help_texts=_texts(form, "help_text"),
        priority=form.priority,
        prefix_subject=form.prefix_subject,
        fields=fields,
    )


@receiver([post_save, post_delete], sender=RequestForm)
@receiver([post_save, post_delete], sender=FormField)
def forget(**kwargs: object) -> None:
    """An admin changed a form: every process shows the change from its next render. Bumped
    again once the admin's transaction commits: a page reading meanwhile kept the old."""
    store.bump(VERSION_KEY)
    transaction.on_commit(lambda: store.bump(VERSION_KEY))
