"""The session loop: a message sent while the loop sleeps leaves from the sender's thread."""

from __future__ import annotations

import socket
import threading
import time

from gui_chat.net.events import ChatFailed, SessionEnded
from gui_chat.net.loop import SessionLoop, SessionOver
from tests.support import LOCALHOST, WAIT
from tests.support.sessions import port_of


class Recorder(SessionLoop):
    """Records on which thread each sent message ran; ``"fail"`` ends the session."""

    def __init__(self, sink) -> None:
        super().__init__(sink)
        self.ran_on: dict[str, int] = {}

    def send(self, message_id: str) -> bool:
        return self.send_soon(message_id, self._send)

    def _send(self, message_id: str) -> None:
        self.ran_on[message_id] = threading.get_ident()
        if message_id == "fail":
            raise SessionOver("the peer went away", error=True)


def _until_asleep(loop: SessionLoop) -> None:
    deadline = time.monotonic() + WAIT
    while not loop.asleep:
        assert time.monotonic() < deadline, "the loop never went to sleep"
        threading.Event().wait(0.001)


def test_a_message_sent_while_the_loop_sleeps_runs_on_the_senders_thread(sessions):
    session = sessions.start(Recorder, "recorder")
    loop: Recorder = session.loop  # type: ignore[assignment]
    _until_asleep(loop)
    assert loop.send("m1")
    assert loop.ran_on["m1"] == threading.get_ident()
    assert loop.wait_for_turn(0.0)  # nothing left for the loop thread to do


def test_messages_queued_behind_others_wait_for_the_loop_thread(sessions):
    session = sessions.start(Recorder, "recorder", start=False)
    loop: Recorder = session.loop  # type: ignore[assignment]
    assert loop.send("first") and loop.send("second")  # not running yet: both queued
    session.start()
    assert loop.wait_for_turn(WAIT)
    assert loop.ran_on["first"] == loop.ran_on["second"] == session.thread.ident


def test_a_failure_on_the_senders_thread_ends_the_session_on_the_loop_thread(sessions):
    session = sessions.start(Recorder, "recorder")
    loop: Recorder = session.loop  # type: ignore[assignment]
    _until_asleep(loop)
    assert loop.send("fail")  # raised here, reported there
    ended = session.ended()
    assert (ended.reason, ended.error) == ("the peer went away", True)
    session.thread.join(WAIT)
    assert not session.thread.is_alive()
    assert not loop.send("late")  # the session is over: refused, not lost silently


def test_a_udp_chat_has_left_when_send_returns(sessions):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind((LOCALHOST, 0))
    receiver.setblocking(False)
    try:
        peer = sessions.udp("ann", remote_port=receiver.getsockname()[1])
        port_of(peer)
        _until_asleep(peer.loop)
        peer.send_chat("m1", "hello")
        datagram = receiver.recv(65536)  # no waiting: on loopback it is already here
        assert b'"hello"' in datagram
        assert not peer.of_type(ChatFailed)
    finally:
        receiver.close()
    sessions.close_all()
    assert isinstance(peer.collect()[-1], SessionEnded)
