"""The network is blocked while the book is tested, in this process and in kernels."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

BLOCKED = "network access is blocked"


def test_connecting_to_another_host_is_refused():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError, match=BLOCKED):
            sock.connect(("192.0.2.1", 80))  # TEST-NET-1, never a real host
    finally:
        sock.close()


def test_name_lookup_of_another_host_is_refused():
    with pytest.raises(OSError, match=BLOCKED):
        socket.getaddrinfo("example.com", 443)


def test_a_download_fails_with_the_guards_message():
    with pytest.raises((OSError, urllib.error.URLError)) as caught:
        urllib.request.urlopen("https://example.com/data.csv", timeout=5)
    assert BLOCKED in str(caught.value)


def test_loopback_still_works():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer():
        connection, _ = server.accept()
        connection.sendall(b"hello")
        connection.close()

    thread = threading.Thread(target=answer)
    thread.start()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        assert client.recv(5) == b"hello"
    thread.join()
    server.close()


def test_child_processes_such_as_kernels_inherit_the_block():
    code = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=2)\n"
        "except OSError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert BLOCKED in result.stdout, result.stdout + result.stderr


def test_a_jupyter_kernel_is_blocked_too():
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive(
            "import urllib.request\n"
            "try:\n"
            "    urllib.request.urlopen('https://example.com', timeout=2)\n"
            "except Exception as error:\n"
            "    message = str(error)\n",
            timeout=60,
        )
        assert reply["content"]["status"] == "ok"
        reply = client.execute_interactive(
            "print(message)", timeout=30, output_hook=_collect
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert BLOCKED in "".join(_collected)


_collected: list[str] = []


def _collect(message):
    if message["msg_type"] == "stream":
        _collected.append(message["content"]["text"])
