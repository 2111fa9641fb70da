"""The one canonical form of an email address, wherever the portal compares or keys one
(form input, identity tokens, webhooks, rate limits, ticket ownership): Unicode NFKC,
case-folded, the domain in its IDNA (ASCII) form. Tixallo knows customers by email, so
two spellings of one address must never be two customers, nor one spelling two.

And whether a host is this machine (`is_loopback`), where plain http is allowed: for
Tixallo's base URL, the portal's own origins, cookies without `Secure`."""

import ipaddress
import unicodedata


def canonical(email: str) -> str:
    text = unicodedata.normalize("NFKC", email.strip())
    text = unicodedata.normalize("NFKC", text.casefold())  # folding may un-normalise
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # not a domain IDNA can write: compared as it is (validation refuses it)
    return f"{local}@{domain}"


def spelled_canonically(email: str) -> bool:
    """Only letter case (and the domain's IDNA form) separates it from its canonical
    form: no compatibility character (the Kelvin sign "K" for "K", fullwidth letters), no
    letter that case folding changes beyond its case ("ß")."""
    text = email.strip()
    return unicodedata.is_normalized("NFKC", text) and text.casefold() == text.lower()


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
