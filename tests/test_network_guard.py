"""The suite's own guard (tests/conftest.py): no test reaches beyond loopback."""

import socket

import pytest


def test_it_refuses_connections_beyond_loopback():
    with pytest.raises(OSError, match="loopback only"):
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)


def test_it_refuses_to_resolve_public_names():
    with pytest.raises(OSError, match="loopback only"):
        socket.getaddrinfo("tixallo.com", 443)
