"""The browser-test tools themselves: a check that finds nothing must be able to find something."""

from tests.browser.a11y import axe_violations

UNLABELLED = '<input type="text"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'


def test_it_reports_serious_accessibility_problems_in_the_page_and_in_a_frame(page):
    page.set_content(
        f"<!doctype html><html lang='en'><title>t</title><main>{UNLABELLED}"
        f"<iframe title='inner' srcdoc='<main><p>fine</p></main>'></iframe></main>"
    )
    found = {v["id"]: v for v in axe_violations(page)}
    assert {"image-alt", "label"} <= set(found)
    assert found["image-alt"]["impact"] == "critical"
    assert found["label"]["nodes"][0]["html"] == '<input type="text">'

    inner = page.frames[1]
    inner.set_content(f"<!doctype html><html lang='en'><title>i</title><main>{UNLABELLED}</main>")
    assert {v["id"] for v in axe_violations(page, frame=inner)} >= {"image-alt", "label"}
