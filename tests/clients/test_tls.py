"""HTTPS trust: the OS store first (antivirus HTTPS scanning adds its root only there), a clear message if not.

A real HTTPS server on 127.0.0.1 with a self-signed certificate stands in for a site re-signed by an antivirus
whose root this computer does not trust.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.clients import tls
from app.clients.errors import SettingsError
from app.clients.retailcrm import RetailCrmClient
from tests.clients.conftest import fast_retry


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key (PEM files)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl command is here to make a certificate")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )
        return cert, key
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Антивирус: проверка HTTPS")])
    now = dt.datetime.now(dt.UTC)  # a certificate is checked against the real clock, not the sandbox's
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert, key


class _Statuses(BaseHTTPRequestHandler):
    """Answers every GET as RetailCRM's reference/statuses would (an empty list)."""

    def do_GET(self) -> None:
        body = json.dumps({"success": True, "statuses": {}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the refused handshakes are the point of the test


@pytest.fixture
def https_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(base URL, certificate file) of an HTTPS server whose certificate no trust store knows."""
    cert, key = _self_signed(tmp_path)
    server = _QuietServer(("127.0.0.1", 0), _Statuses)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", cert
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fresh_context() -> Iterator[None]:
    """The process-wide context built anew for this test (and again for the next one)."""
    tls.client_context.cache_clear()
    yield
    tls.client_context.cache_clear()


def test_an_untrusted_certificate_names_antivirus_https_scanning(https_site: tuple[str, Path]) -> None:
    url, _ = https_site
    with RetailCrmClient(url, "k" * 32, retry=fast_retry(attempts=3)) as client, \
            pytest.raises(SettingsError) as caught:
        client.statuses()
    message = caught.value.message
    assert caught.value.reason == "untrusted_certificate"
    assert "антивирус" in message and "HTTPS" in message and "исключения" in message
    assert "Traceback" not in str(caught.value)
    assert client.stats.snapshot().requests == 1  # the same certificate would come back: no retries


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SSL_CERT_FILE names the OS store only on Linux")
def test_https_is_verified_with_the_os_store_not_certifi(
    https_site: tuple[str, Path], fresh_context: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the OS store is OpenSSL's default paths, which SSL_CERT_FILE overrides. A root added there (as an
    antivirus adds its own to the OS store) is trusted; certifi's bundle alone would refuse it."""
    url, cert = https_site
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with RetailCrmClient(url, "k" * 32, retry=fast_retry(attempts=1)) as client:
        assert client.statuses() is not None


def test_the_context_comes_from_truststore_when_it_is_installed() -> None:
    truststore = pytest.importorskip("truststore")
    context, source = tls.build_context()
    assert source == "truststore"
    assert type(context) is truststore.SSLContext
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_without_truststore_certifi_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "truststore", None)  # "import truststore" raises ImportError
    context, source = tls.build_context()
    assert source == "certifi"
    assert type(context) is ssl.SSLContext
    assert context.verify_mode == ssl.CERT_REQUIRED and context.get_ca_certs()
