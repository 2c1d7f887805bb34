"""The TLS context both clients verify HTTPS with: the operating system's trust store, else certifi's bundle.

Why not httpx's default (certifi's bundle alone): antivirus "HTTPS scanning" (Kaspersky, ESET, Avast, …) and
corporate TLS inspection re-sign every site with their own root certificate and add that root only to the OS
store. With certifi every request fails with CERTIFICATE_VERIFY_FAILED while the browser works. The
``truststore`` package verifies through the OS (Windows CryptoAPI, macOS Security framework, OpenSSL's system
paths on Linux), as the browser does. Where it cannot be used (not installed, an interpreter without the APIs
it needs: it raises ImportError then, see truststore/__init__.py), certifi's bundle is the fallback.

One context is made per process and shared: building it loads certificates, and an ``ssl.SSLContext`` is safe
to share between connections and threads.
"""

from __future__ import annotations

import functools
import logging
import ssl
from typing import Literal

_log = logging.getLogger(__name__)

Source = Literal["truststore", "certifi"]


def build_context() -> tuple[ssl.SSLContext, Source]:
    """A fresh client context and where its trust comes from."""
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT), "truststore"
    except Exception as exc:  # ImportError, or a platform API it could not load
        _log.warning("OS trust store unavailable (%s: %s); verifying HTTPS with certifi's bundle",
                     type(exc).__name__, exc)
    import certifi  # httpx's own dependency

    return ssl.create_default_context(cafile=certifi.where()), "certifi"


@functools.cache
def client_context() -> ssl.SSLContext:
    """The process-wide context for ``httpx.Client(verify=...)``."""
    context, source = build_context()
    _log.debug("HTTPS certificates verified with %s", source)
    return context


def is_certificate_failure(exc: BaseException) -> bool:
    """True when ``exc`` (an httpx error) was caused by a certificate the trust store did not accept.

    httpx wraps the ``ssl.SSLCertVerificationError`` of the handshake in ``httpx.ConnectError`` (via httpcore's
    ``ConnectError``), so the chain of causes is searched; the text check covers a wrapper that kept only the
    message ("[SSL: CERTIFICATE_VERIFY_FAILED] ...", OpenSSL's reason name).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False
