"""Raw mode against netcat (netcat-openbsd), the tool people actually test with.

``nc -v -n -l 127.0.0.1 0`` lets the system pick the port and says which on stderr
("Listening on 127.0.0.1 PORT"), so no port is guessed and nothing races.
"""

from __future__ import annotations

import shutil

from gui_chat.ui.chat_model import EntryKind

NC = shutil.which("nc") or "/usr/bin/nc"


def nc_port(line: str) -> int:
    """The port in netcat's "Listening on HOST PORT" / "Bound on HOST PORT"."""
    return int(line.split()[-1])


def test_raw_client_talks_with_netcat_listening(open_window, spawn):
    nc = spawn(NC, "-v", "-n", "-N", "-l", "127.0.0.1", "0")
    port = nc_port(nc.wait_stderr_line("Listening on"))
    window = open_window()
    window.join(port)
    nc.wait_stderr_line("Connection received")

    window.type_and_enter("hello netcat")
    nc.wait_stdout(b"hello netcat\n")
    window.wait_delivered(window.entries(EntryKind.OWN)[-1])

    nc.write("from nc, 你好\n".encode())
    window.wait_peer_text("from nc, 你好\n", sender=f"127.0.0.1:{port}")

    # end of netcat's input: -N makes it hang up, which ends our session in words
    nc.close_stdin()
    window.wait_until(lambda: not window.window.controller.running, "the session to end")
    assert window.status() == f"Disconnected: 127.0.0.1:{port} closed the connection"
    nc.wait_exit_ok()


def test_raw_server_shows_netcat_client_and_its_leaving(open_window, spawn):
    window = open_window()
    port = window.host()
    nc = spawn(NC, "-N", "127.0.0.1", str(port))
    window.wait_until(lambda: len(window.people()) == 1, "netcat in the people list")
    (address,) = window.people()
    assert address.startswith("127.0.0.1:")

    nc.write(b"piped line 1\npiped line 2\n")
    nc.close_stdin()  # -N: netcat shuts its side down after end of input

    window.wait_peer_text("piped line 1\npiped line 2\n", sender=address)
    window.wait_until(lambda: window.people() == [], "the people list to empty")
    window.wait_system(f"{address} left")
    nc.wait_exit_ok()
    assert window.window.controller.running  # the server goes on serving
