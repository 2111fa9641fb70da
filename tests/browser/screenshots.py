"""Full-page screenshots for the README, taken by the browser tests when asked.

    SCREENSHOTS_DIR=docs/screenshots uv run pytest tests/browser

Without SCREENSHOTS_DIR nothing is written and the call costs nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page


def save_screenshot(page: Page, name: str) -> Path | None:
    """Save `page` as `$SCREENSHOTS_DIR/<name>.png` (whole page, no caret or animations)."""
    directory = os.environ.get("SCREENSHOTS_DIR", "").strip()
    if not directory:
        return None
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise ValueError(f"not a plain file name: {name!r}")
    path = Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    return path
