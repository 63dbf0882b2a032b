"""Block the network in every Python process started while the book is tested.

``make test`` puts this folder on ``PYTHONPATH`` and sets
``NN_BOOK_BLOCK_NETWORK=1``, so Python imports this module at start-up in the
test runner, in the Sphinx build and in every notebook kernel they launch.
Connections to this machine (loopback, Unix sockets) still work, because
Jupyter kernels talk to their clients over them; any other connection, and any
name lookup of a host elsewhere, raises :class:`NetworkBlockedError`. A
notebook that tries to download a data set therefore fails loudly in CI
instead of passing only where a network happens to be available.
"""

import os
import socket

if os.environ.get("NN_BOOK_BLOCK_NETWORK") == "1":
    _LOCAL_NAMES = {
        "localhost",
        "localhost.localdomain",
        "ip6-localhost",
        "ip6-loopback",
        "",
    }

    class NetworkBlockedError(OSError):
        """Raised for any attempt to reach another machine while tests run."""

    def _is_local(host) -> bool:
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        host = str(host).strip("[]").lower()
        return (
            host in _LOCAL_NAMES
            or host.startswith("127.")
            or host in {"::1", "0.0.0.0", "::"}
            or host.startswith("::ffff:127.")
        )

    def _refuse(what):
        raise NetworkBlockedError(
            f"network access is blocked while the book is tested ({what}). The book "
            "must run offline: load data from an installed package or generate it."
        )

    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def _guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(
            address[0]
        ):
            _refuse(f"connect to {address!r}")
        return _connect(self, address)

    def _guarded_connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(
            address[0]
        ):
            _refuse(f"connect to {address!r}")
        return _connect_ex(self, address)

    def _guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_local(host):
            _refuse(f"look up {host!r}")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.NetworkBlockedError = NetworkBlockedError
