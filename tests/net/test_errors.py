"""Socket errors become named errors with sentences a user can read."""

from __future__ import annotations

import errno
import os
import socket

import pytest

from gui_chat.net.errors import (
    AddressInUseError,
    AddressNotAvailableError,
    ConnectionRefusedByPeerError,
    ConnectTimeoutError,
    HostNotFoundError,
    NetError,
    PermissionDeniedError,
    UnreachableError,
    format_address,
    translate,
)


def os_error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def assert_readable(error: NetError) -> None:
    text = str(error)
    assert text and "\n" not in text
    assert " " in text, f"not a sentence: {text!r}"
    assert "Errno" not in text, f"raw errno text leaked: {text!r}"


@pytest.mark.parametrize(
    "code, cls, words",
    [
        (errno.EADDRINUSE, AddressInUseError, ["port 5000", "already in use", "127.0.0.1"]),
        (errno.ECONNREFUSED, ConnectionRefusedByPeerError, ["refused", "127.0.0.1:5000"]),
        (errno.ETIMEDOUT, ConnectTimeoutError, ["timed out", "127.0.0.1:5000"]),
        (errno.EADDRNOTAVAIL, AddressNotAvailableError, ["127.0.0.1", "not an address"]),
        (errno.EHOSTUNREACH, UnreachableError, ["unreachable"]),
        (errno.ENETUNREACH, UnreachableError, ["network", "unreachable"]),
        (errno.EACCES, PermissionDeniedError, ["permission denied", "1024"]),
    ],
)
def test_errno_gives_named_error_with_plain_words(
    code: int, cls: type[NetError], words: list[str]
) -> None:
    error = translate(os_error(code), "127.0.0.1", 5000)
    assert type(error) is cls
    assert isinstance(error, NetError)
    assert_readable(error)
    for word in words:
        assert word in str(error), str(error)


def test_the_subclasses_python_raises_are_translated_too() -> None:
    assert isinstance(translate(ConnectionRefusedError(errno.ECONNREFUSED, "x"), "h", 1),
                      ConnectionRefusedByPeerError)  # fmt: skip
    error = translate(TimeoutError("timed out"), "10.0.0.9", 7000)  # socket.timeout, no errno
    assert type(error) is ConnectTimeoutError
    assert "10.0.0.9:7000" in str(error)


def test_unresolvable_host() -> None:
    error = translate(socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "nas", 80)
    assert type(error) is HostNotFoundError
    assert_readable(error)
    assert "no such host" in str(error) and "'nas'" in str(error)


def test_real_gaierror_from_the_resolver() -> None:
    with pytest.raises(socket.gaierror) as caught:
        socket.getaddrinfo("no-such-host.invalid", 80)
    assert type(translate(caught.value, "no-such-host.invalid", 80)) is HostNotFoundError


def test_unknown_errno_keeps_the_system_words_and_the_address() -> None:
    error = translate(os_error(errno.EMFILE), "::1", 80)
    assert type(error) is NetError
    assert "[::1]:80" in str(error)
    assert os.strerror(errno.EMFILE) in str(error)


def test_ipv6_address_is_bracketed_in_messages() -> None:
    error = translate(os_error(errno.ECONNREFUSED), "fe80::1", 4000)
    assert "[fe80::1]:4000" in str(error)


@pytest.mark.parametrize(
    "host, port, text",
    [
        ("127.0.0.1", 80, "127.0.0.1:80"),
        ("::1", 5000, "[::1]:5000"),
        ("fe80::1%eth0", 1, "[fe80::1%eth0]:1"),
        ("example.org", 443, "example.org:443"),
    ],
)
def test_format_address(host: str, port: int, text: str) -> None:
    assert format_address(host, port) == text
