"""Template source rules Django does not enforce."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_it_keeps_every_short_comment_on_one_line():
    # Django reads `{# … #}` as a comment only within one line: a longer one is printed
    # on the page. Longer comments use {% comment %}.
    broken = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("portal/**/templates/**/*.html")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\{#(?!.*#\})", line):
                broken.append(f"{path.relative_to(ROOT)}:{number}")
    assert broken == []


def test_it_shows_no_template_comment_on_a_page(client, sandbox):
    page = client.get("/").content.decode()
    assert "{#" not in page and "#}" not in page
