"""The template filters of the customer pages (`portal.tickets.templatetags.portal`)."""

from portal.tickets.templatetags.portal import message_text


def test_it_renders_message_text_escaped_with_breaks_and_safe_links():
    html = message_text("<i>hi</i>\nsee https://example.com/x?a=1&b=2")
    assert html.startswith("&lt;i&gt;hi&lt;/i&gt;<br>")
    assert 'rel="noopener nofollow"' in html
    assert "a=1&amp;b=2" in html
