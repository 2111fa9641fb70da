"""A corporate CA given by SSL_CERT_FILE is trusted: the client reaches a TLS
sandbox on 127.0.0.1 whose certificate only that CA file vouches for."""

import shutil
import ssl
import subprocess

import pytest

from portal.sandbox import inprocess
from portal.sandbox.server import SandboxServer
from portal.tixallo import client
from portal.tixallo.errors import Unavailable

pytestmark = [
    pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command"),
    pytest.mark.slow,  # openssl makes a CA and a certificate for each test
]


@pytest.fixture
def tls_sandbox(sandbox, settings, tmp_path, network_transport):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = SandboxServer(inprocess.wsgi_app())
    server._server.socket = context.wrap_socket(server._server.socket, server_side=True)
    with server:
        settings.TIXALLO_BASE_URL = f"https://127.0.0.1:{server.port}/api/v1"
        yield cert
    client.reset_http()


def test_it_trusts_the_ca_file_named_by_ssl_cert_file(tls_sandbox, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_sandbox))
    client.reset_http()
    assert client.list_tickets().tickets == ()


def test_it_refuses_an_unknown_certificate_without_it(tls_sandbox, monkeypatch, settings):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    settings.TIXALLO_RETRY_BUDGET = 0
    client.reset_http()
    with pytest.raises(Unavailable) as caught:
        client.list_tickets()
    assert "certificate is not trusted" in str(caught.value)
