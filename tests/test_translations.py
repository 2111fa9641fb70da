"""The German translation is complete: every string the code and templates mark is in the
.po and translated, no English sentence shows on a German page, and the committed .mo says
exactly what the .po says (CI has no gettext tools). The pages in German: tickets/test_i18n.py."""

import ast
import gettext as stdlib_gettext
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

from tests.factories import GERMAN, new_ticket, page_text, set_status, ticket_link

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


# --- the .po file, read without polib or gettext tools ---------------------------


def po_entries() -> list[dict]:
    """The live entries of the .po file (obsolete `#~` ones skipped), header included."""
    entries, entry, key = [], {}, None
    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        starts_next = line.startswith(("#", "msgctxt ", "msgid ")) and "msgstr" in entry
        if not line.strip() or starts_next:  # entries need no blank line between them
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, None
        if not line.strip():
            continue
        if line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def expected_catalog() -> dict:
    """The .po as Python's gettext module holds a .mo: msgid -> msgstr, plurals by index."""
    catalog = {}
    for entry in po_entries():
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            for key, value in entry.items():
                if key.startswith("msgstr["):
                    catalog[(msgid, int(key[7:-1]))] = value
        else:
            catalog[msgid] = entry["msgstr"]
    return catalog


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


# --- pages ----------------------------------------------------------------------


def test_german_pages_show_no_english_sentences(client, sandbox, signed_in):
    """Every translated sentence of the .po that shows up in English on a German page is a
    string rendered without its translation."""
    sentences = [
        entry["msgid"]
        for entry in po_entries()
        if entry["msgid"] and " " in entry["msgid"] and entry["msgid"] not in translations(entry)
    ]
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "solved")
    pages = ["/", "/signin/", "/tickets/", "/tickets/?status=done", ticket_link(ticket.id)]
    pages += ["/no-such-page/", f"/tickets/{ticket.id}/"]
    for url in pages:
        text = page_text(client.get(url, **GERMAN))
        leaked = [sentence for sentence in sentences if sentence in text]
        assert not leaked, (url, leaked)


# --- the catalog ----------------------------------------------------------------


def test_every_string_has_a_german_translation_and_none_is_fuzzy():
    entries = po_entries()
    assert entries[0]["msgid"] == "" and "Language: de\n" in entries[0]["msgstr"]
    assert "fuzzy" not in entries[0].get("flags", set()), "the header is fuzzy"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", set())]
    untranslated = [e["msgid"] for e in entries[1:] if not all(translations(e))]
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not untranslated, f"untranslated: {untranslated}"
    assert len(entries) > 100


def test_translations_keep_their_placeholders_and_markup():
    def marks(text: str) -> list[str]:
        found = re.findall(r"%\(\w+\)[sd]|<[^>]+>|[←→]", text)
        return sorted(found)

    for entry in po_entries()[1:]:
        for msgstr in translations(entry):
            assert marks(msgstr) == marks(entry["msgid"]), entry["msgid"]


def _source_strings() -> set[tuple[str | None, str]]:
    """The (context, msgid) pairs `makemessages` would find, read the way it reads them:
    Python through its syntax tree, templates through Django's own `templatize`."""
    funcs = {"gettext", "gettext_lazy", "gettext_noop", "_", "ngettext", "ngettext_lazy"}
    ctx_funcs = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
    found = set()

    def add(name: str, args: list[str]) -> None:
        if name in ctx_funcs and len(args) >= 2:
            found.add((args[0], args[1]))
        elif name in funcs and args:
            found.add((None, args[0]))

    sources = [p for p in (ROOT / "portal").rglob("*.py") if "sandbox" not in p.parts]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                args = [a.value for a in node.args if isinstance(a, ast.Constant)]
                add(name, [a for a in args if isinstance(a, str)])

    literal = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    call = re.compile(rf"\b(\w+)\(\s*((?:{literal}\s*,\s*)*{literal})")
    for path in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.txt")]:
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for name, args in call.findall(code):
            add(name, [ast.literal_eval(a.lstrip("u")) for a in re.findall(literal, args)])
    return found


def test_the_po_has_every_string_the_code_and_templates_mark():
    """A string marked for translation but missing here means `makemessages` was not run."""
    in_po = {(e.get("msgctxt"), e["msgid"]) for e in po_entries()[1:]}
    missing = _source_strings() - in_po
    assert not missing, (
        f"not in {PO.relative_to(ROOT)}: {sorted(m for _c, m in missing)} — run "
        "`manage.py makemessages -l de --ignore=.venv --ignore=portal/sandbox --ignore=tests "
        "--ignore=var`, translate, then `manage.py compilemessages -l de --ignore=.venv`"
    )


def test_the_committed_mo_says_exactly_what_the_po_says():
    """Python's gettext reads the .mo without GNU tools: a stale .mo differs somewhere."""
    with MO.open("rb") as stream:
        compiled = stdlib_gettext.GNUTranslations(stream)
    # msgfmt rewrites the header (it drops POT-Creation-Date): compare what it keeps.
    header = compiled.info()
    assert header["language"] == "de" and header["content-type"].endswith("charset=UTF-8")
    assert header["plural-forms"] == "nplurals=2; plural=(n != 1);"
    messages = {k: v for k, v in compiled._catalog.items() if k != ""}
    expected = {k: v for k, v in expected_catalog().items() if k != ""}
    assert messages == expected, (
        "locale/de/LC_MESSAGES/django.mo is out of date: run "
        "`manage.py compilemessages -l de --ignore=.venv` and commit it"
    )


def test_django_serves_every_translation_from_the_project_catalog():
    with translation.override("de"):
        for entry in po_entries()[1:]:
            if "msgctxt" in entry:
                got = translation.pgettext(entry["msgctxt"], entry["msgid"])
            elif "msgid_plural" in entry:
                got = translation.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            else:
                got = translation.gettext(entry["msgid"])
            assert got == translations(entry)[0], entry["msgid"]
