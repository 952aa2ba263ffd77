"""Sentences from the network layer, shown in the user's language.

``gui_chat.net`` and ``gui_chat.protocol`` use no Qt: they report what happened in
English sentences with variable parts (addresses, ports, counts, nested reasons).
:func:`translate_net_text` matches a sentence against a table of patterns; each pattern
has a translatable template (context ``"net"``) with ``{0}``, ``{1}``… for the parts it
captures. Captured parts that are sentences themselves (the reason in "the connection
to the room was lost: …") are translated in turn.

A sentence no pattern knows comes back unchanged, so one added to ``gui_chat.net``
shows in English until a pattern for it is added here (see docs/translations.md).
With English in effect every known sentence also comes back exactly as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "net"
_MAX_DEPTH = 4  # nested reasons; deeper ones stay as they are


@dataclass(frozen=True)
class NetRule:
    pattern: re.Pattern[str]
    # The English sentence with ``{0}``, ``{1}``… where the pattern's groups go.
    template: str
    # Groups (0-based) that hold a sentence of their own, translated in turn.
    nested: tuple[int, ...]
    # A sentence the rule matches (used by the tests).
    example: str


def _rule(pattern: str, template: str, example: str, nested: tuple[int, ...] = ()) -> NetRule:
    return NetRule(re.compile(pattern, re.DOTALL), template, nested, example)


_N = r"[\d,]+"  # a count formatted with "{:,}"
_SECONDS = r"[\d.e+-]+"  # seconds formatted with "{:g}"

# Ordered: the first rule whose pattern matches the whole sentence wins, so specific
# sentences come before general ones ("the room closed …" before "… closed …").
RULES: tuple[NetRule, ...] = (
    # ----- gui_chat.net.errors ------------------------------------------------------------
    _rule(
        r"port (\d+) is already in use on (.+?) — another program \(or another room\) has it; "
        r"pick another port or 0 for any free one",
        QT_TRANSLATE_NOOP(
            "net",
            "port {0} is already in use on {1} — another program (or another room) has it; "
            "pick another port or 0 for any free one",
        ),
        "port 50007 is already in use on 0.0.0.0 — another program (or another room) has it; "
        "pick another port or 0 for any free one",
    ),
    _rule(
        r"(.+) is not an address of this machine",
        QT_TRANSLATE_NOOP("net", "{0} is not an address of this machine"),
        "10.9.8.7 is not an address of this machine",
    ),
    _rule(
        r"connection refused by (.+) — nothing is listening on that port",
        QT_TRANSLATE_NOOP("net", "connection refused by {0} — nothing is listening on that port"),
        "connection refused by 127.0.0.1:5000 — nothing is listening on that port",
    ),
    _rule(
        r"connecting to (.+) timed out after (" + _SECONDS + r") s — is the address right and "
        r"the other side running\?",
        QT_TRANSLATE_NOOP(
            "net",
            "connecting to {0} timed out after {1} s — is the address right and the other "
            "side running?",
        ),
        "connecting to 10.0.0.9:50007 timed out after 5 s — is the address right and the "
        "other side running?",
    ),
    _rule(
        r"connecting to (.+) timed out",
        QT_TRANSLATE_NOOP("net", "connecting to {0} timed out"),
        "connecting to 10.0.0.9:50007 timed out",
    ),
    _rule(
        r"(.+) is unreachable from this machine",
        QT_TRANSLATE_NOOP("net", "{0} is unreachable from this machine"),
        "10.0.0.9 is unreachable from this machine",
    ),
    _rule(
        r"the network of (.+) is unreachable",
        QT_TRANSLATE_NOOP("net", "the network of {0} is unreachable"),
        "the network of 10.0.0.9 is unreachable",
    ),
    _rule(
        r"permission denied for (.+) \(ports below 1024 need administrator rights\)",
        QT_TRANSLATE_NOOP(
            "net", "permission denied for {0} (ports below 1024 need administrator rights)"
        ),
        "permission denied for 0.0.0.0:80 (ports below 1024 need administrator rights)",
    ),
    _rule(
        r"no such host: (.+) could not be resolved",
        QT_TRANSLATE_NOOP("net", "no such host: {0} could not be resolved"),
        "no such host: 'nowhere.invalid' could not be resolved",
    ),
    # ----- gui_chat.net.client: joining a room --------------------------------------------
    _rule(
        r"the room stopped responding \(nothing for (" + _SECONDS + r") s\)",
        QT_TRANSLATE_NOOP("net", "the room stopped responding (nothing for {0} s)"),
        "the room stopped responding (nothing for 35 s)",
    ),
    _rule(
        r"(.+) did not answer like a gui_chat room",
        QT_TRANSLATE_NOOP("net", "{0} did not answer like a gui_chat room"),
        "127.0.0.1:22 did not answer like a gui_chat room",
    ),
    _rule(
        r"not confirmed by the room before the session ended",
        QT_TRANSLATE_NOOP("net", "not confirmed by the room before the session ended"),
        "not confirmed by the room before the session ended",
    ),
    _rule(
        r"not sent: the session had ended",
        QT_TRANSLATE_NOOP("net", "not sent: the session had ended"),
        "not sent: the session had ended",
    ),
    _rule(
        r"the room closed the connection",
        QT_TRANSLATE_NOOP("net", "the room closed the connection"),
        "the room closed the connection",
    ),
    _rule(
        r"the room closed the connection: (.+)",
        QT_TRANSLATE_NOOP("net", "the room closed the connection: {0}"),
        "the room closed the connection: the host closed the room",
        nested=(0,),
    ),
    _rule(
        r"the room refused the connection: (.+)",
        QT_TRANSLATE_NOOP("net", "the room refused the connection: {0}"),
        "the room refused the connection: the room is full (500 people)",
        nested=(0,),
    ),
    _rule(
        r"the connection to the room was lost: (.+)",
        QT_TRANSLATE_NOOP("net", "the connection to the room was lost: {0}"),
        "the connection to the room was lost: connection lost (reset by peer)",
        nested=(0,),
    ),
    _rule(
        r"the room sent invalid data \((.+)\)",
        QT_TRANSLATE_NOOP("net", "the room sent invalid data ({0})"),
        "the room sent invalid data (message is not a JSON object)",
        nested=(0,),
    ),
    _rule(
        r"invalid data: (.+)",
        QT_TRANSLATE_NOOP("net", "invalid data: {0}"),
        "invalid data: message is nested too deeply",
        nested=(0,),
    ),
    _rule(
        r"expected a welcome, got (.+)",
        QT_TRANSLATE_NOOP("net", "expected a welcome, got {0}"),
        "expected a welcome, got 'chat'",
    ),
    _rule(
        r"a room may not send (.+)",
        QT_TRANSLATE_NOOP("net", "a room may not send {0}"),
        "a room may not send 'hello'",
    ),
    _rule(
        r"left the room",
        QT_TRANSLATE_NOOP("net", "left the room"),
        "left the room",
    ),
    # ----- gui_chat.net.room: hosting a room ----------------------------------------------
    _rule(
        r"the room is full \((" + _N + r") people\)",
        QT_TRANSLATE_NOOP("net", "the room is full ({0} people)"),
        "the room is full (500 people)",
    ),
    _rule(
        r"the host closed the room",
        QT_TRANSLATE_NOOP("net", "the host closed the room"),
        "the host closed the room",
    ),
    _rule(
        r"the room was already closed",
        QT_TRANSLATE_NOOP("net", "the room was already closed"),
        "the room was already closed",
    ),
    _rule(
        r"did not introduce itself in time",
        QT_TRANSLATE_NOOP("net", "did not introduce itself in time"),
        "did not introduce itself in time",
    ),
    _rule(
        r"stalled in the middle of a message",
        QT_TRANSLATE_NOOP("net", "stalled in the middle of a message"),
        "stalled in the middle of a message",
    ),
    _rule(
        r"stopped responding",
        QT_TRANSLATE_NOOP("net", "stopped responding"),
        "stopped responding",
    ),
    _rule(
        r"rejoined",
        QT_TRANSLATE_NOOP("net", "rejoined"),
        "rejoined",
    ),
    _rule(
        r"left",
        QT_TRANSLATE_NOOP("net", "left"),
        "left",
    ),
    _rule(
        r"sent invalid data \((.+)\)",
        QT_TRANSLATE_NOOP("net", "sent invalid data ({0})"),
        "sent invalid data (message is not valid UTF-8 (byte 3))",
        nested=(0,),
    ),
    _rule(
        r"expected a hello, got (.+)",
        QT_TRANSLATE_NOOP("net", "expected a hello, got {0}"),
        "expected a hello, got 'chat'",
    ),
    _rule(
        r"a client may not send (.+)",
        QT_TRANSLATE_NOOP("net", "a client may not send {0}"),
        "a client may not send 'welcome'",
    ),
    _rule(
        r"speaks protocol version (\d+), this room speaks version (\d+)",
        QT_TRANSLATE_NOOP("net", "speaks protocol version {0}, this room speaks version {1}"),
        "speaks protocol version 2, this room speaks version 1",
    ),
    _rule(
        r"dropped (.+?): (.+)",
        QT_TRANSLATE_NOOP("net", "dropped {0}: {1}"),
        "dropped 127.0.0.1:40000: did not introduce itself in time",
        nested=(1,),
    ),
    # ----- gui_chat.net.stream: every TCP connection --------------------------------------
    _rule(
        r"connection lost \(reset by peer\)",
        QT_TRANSLATE_NOOP("net", "connection lost (reset by peer)"),
        "connection lost (reset by peer)",
    ),
    _rule(
        r"connection lost",
        QT_TRANSLATE_NOOP("net", "connection lost"),
        "connection lost",
    ),
    _rule(
        r"connection lost \((.+)\)",
        QT_TRANSLATE_NOOP("net", "connection lost ({0})"),
        "connection lost (Connection timed out)",
    ),
    _rule(
        r"was too slow to read what it was sent",
        QT_TRANSLATE_NOOP("net", "was too slow to read what it was sent"),
        "was too slow to read what it was sent",
    ),
    _rule(
        r"(.+) is not reading what it is sent",
        QT_TRANSLATE_NOOP("net", "{0} is not reading what it is sent"),
        "127.0.0.1:40000 is not reading what it is sent",
    ),
    _rule(
        r"could not accept a connection: (.+)",
        QT_TRANSLATE_NOOP("net", "could not accept a connection: {0}"),
        "could not accept a connection: Too many open files",
    ),
    _rule(
        r"refused (.+): the limit of (" + _N + r") connections is reached",
        QT_TRANSLATE_NOOP("net", "refused {0}: the limit of {1} connections is reached"),
        "refused 127.0.0.1:40000: the limit of 500 connections is reached",
    ),
    _rule(
        r"too much was typed while not connected",
        QT_TRANSLATE_NOOP("net", "too much was typed while not connected"),
        "too much was typed while not connected",
    ),
    _rule(
        r"the connection to (.+?) was lost: (.+)",
        QT_TRANSLATE_NOOP("net", "the connection to {0} was lost: {1}"),
        "the connection to 127.0.0.1:7 was lost: connection lost",
        nested=(1,),
    ),
    _rule(
        r"(.+) closed the connection",
        QT_TRANSLATE_NOOP("net", "{0} closed the connection"),
        "127.0.0.1:7 closed the connection",
    ),
    _rule(
        r"internal error: (.+)",
        QT_TRANSLATE_NOOP("net", "internal error: {0}"),
        "internal error: RuntimeError('boom')",
    ),
    # ----- gui_chat.net.udp and gui_chat.net.raw ------------------------------------------
    _rule(
        r"no confirmation from (.+) after (\d+) tries — is anyone listening\?",
        QT_TRANSLATE_NOOP("net", "no confirmation from {0} after {1} tries — is anyone listening?"),
        "no confirmation from 127.0.0.1:50008 after 8 tries — is anyone listening?",
    ),
    _rule(
        r"not confirmed before UDP was stopped",
        QT_TRANSLATE_NOOP("net", "not confirmed before UDP was stopped"),
        "not confirmed before UDP was stopped",
    ),
    _rule(
        r"not sent: UDP was already stopped",
        QT_TRANSLATE_NOOP("net", "not sent: UDP was already stopped"),
        "not sent: UDP was already stopped",
    ),
    _rule(
        r"cannot send to (.+) from a socket bound to another address family",
        QT_TRANSLATE_NOOP(
            "net", "cannot send to {0} from a socket bound to another address family"
        ),
        "cannot send to [::1]:50008 from a socket bound to another address family",
    ),
    _rule(
        r"cannot send to (.+?): (.+)",
        QT_TRANSLATE_NOOP("net", "cannot send to {0}: {1}"),
        "cannot send to nowhere.invalid: no such host: 'nowhere.invalid' could not be resolved",
        nested=(1,),
    ),
    _rule(
        r"no peer to send to: enter its host and port",
        QT_TRANSLATE_NOOP("net", "no peer to send to: enter its host and port"),
        "no peer to send to: enter its host and port",
    ),
    _rule(
        r"receiving failed: (.+)",
        QT_TRANSLATE_NOOP("net", "receiving failed: {0}"),
        "receiving failed: Network is down",
    ),
    _rule(
        r"nobody is listening at (.+) \(port unreachable\)",
        QT_TRANSLATE_NOOP("net", "nobody is listening at {0} (port unreachable)"),
        "nobody is listening at 127.0.0.1:50008 (port unreachable)",
    ),
    _rule(
        r"ignored a datagram from (.+?): (.+)",
        QT_TRANSLATE_NOOP("net", "ignored a datagram from {0}: {1}"),
        "ignored a datagram from 127.0.0.1:40000: message is not a JSON object",
        nested=(1,),
    ),
    _rule(
        r"ignored a (.+) datagram from (.+)",
        QT_TRANSLATE_NOOP("net", "ignored a {0} datagram from {1}"),
        "ignored a 'welcome' datagram from 127.0.0.1:40000",
    ),
    _rule(
        r"not sent: the server was already stopped",
        QT_TRANSLATE_NOOP("net", "not sent: the server was already stopped"),
        "not sent: the server was already stopped",
    ),
    _rule(
        r"nobody is connected",
        QT_TRANSLATE_NOOP("net", "nobody is connected"),
        "nobody is connected",
    ),
    _rule(
        r"(.+) is no longer connected",
        QT_TRANSLATE_NOOP("net", "{0} is no longer connected"),
        "127.0.0.1:40000 is no longer connected",
    ),
    _rule(
        r"not sent: the connection was never made",
        QT_TRANSLATE_NOOP("net", "not sent: the connection was never made"),
        "not sent: the connection was never made",
    ),
    _rule(
        r"not sent: the connection had ended",
        QT_TRANSLATE_NOOP("net", "not sent: the connection had ended"),
        "not sent: the connection had ended",
    ),
    _rule(
        r"(" + _N + r") bytes do not fit in one UDP datagram \(at most (" + _N + r")\)",
        QT_TRANSLATE_NOOP("net", "{0} bytes do not fit in one UDP datagram (at most {1})"),
        "70,000 bytes do not fit in one UDP datagram (at most 65,507)",
    ),
    # ----- gui_chat.net.discovery ---------------------------------------------------------
    _rule(
        r"discovery port (\d+) is unavailable \((.+)\); only answers to our own searches are "
        r"heard",
        QT_TRANSLATE_NOOP(
            "net",
            "discovery port {0} is unavailable ({1}); only answers to our own searches are heard",
        ),
        "discovery port 50009 is unavailable (Address already in use); only answers to our "
        "own searches are heard",
    ),
    # ----- gui_chat.protocol: messages that break the rules -------------------------------
    _rule(
        r"message is too long for UDP \((" + _N + r") bytes encoded, at most (" + _N + r")\); "
        r"shorten it or use a TCP room",
        QT_TRANSLATE_NOOP(
            "net",
            "message is too long for UDP ({0} bytes encoded, at most {1}); shorten it or use "
            "a TCP room",
        ),
        "message is too long for UDP (9,000 bytes encoded, at most 8,192); shorten it or use "
        "a TCP room",
    ),
    _rule(
        r"datagram of (" + _N + r") bytes is over the limit",
        QT_TRANSLATE_NOOP("net", "datagram of {0} bytes is over the limit"),
        "datagram of 70,000 bytes is over the limit",
    ),
    _rule(
        r"message is (" + _N + r") bytes, more than the (" + _N + r") bytes a frame may carry",
        QT_TRANSLATE_NOOP("net", "message is {0} bytes, more than the {1} bytes a frame may carry"),
        "message is 2,000,000 bytes, more than the 1,048,576 bytes a frame may carry",
    ),
    _rule(
        r"peer announced a (" + _N + r")-byte message; the limit is (" + _N + r") bytes",
        QT_TRANSLATE_NOOP("net", "peer announced a {0}-byte message; the limit is {1} bytes"),
        "peer announced a 4,294,967,295-byte message; the limit is 1,048,576 bytes",
    ),
    _rule(
        r"message is not valid UTF-8 \(byte (\d+)\)",
        QT_TRANSLATE_NOOP("net", "message is not valid UTF-8 (byte {0})"),
        "message is not valid UTF-8 (byte 3)",
    ),
    _rule(
        r"message is nested too deeply",
        QT_TRANSLATE_NOOP("net", "message is nested too deeply"),
        "message is nested too deeply",
    ),
    _rule(
        r"message is not valid JSON \((.+)\)",
        QT_TRANSLATE_NOOP("net", "message is not valid JSON ({0})"),
        "message is not valid JSON (Expecting value: line 1 column 1 (char 0))",
    ),
    _rule(
        r"message is not a JSON object",
        QT_TRANSLATE_NOOP("net", "message is not a JSON object"),
        "message is not a JSON object",
    ),
    _rule(
        r"unknown message type (.+)",
        QT_TRANSLATE_NOOP("net", "unknown message type {0}"),
        "unknown message type 'shout'",
    ),
    _rule(
        r"bad (\S+) message: (.+)",
        QT_TRANSLATE_NOOP("net", "bad {0} message: {1}"),
        "bad chat message: field 'text' is missing",
        nested=(1,),
    ),
    _rule(
        r"field (.+) is missing",
        QT_TRANSLATE_NOOP("net", "field {0} is missing"),
        "field 'text' is missing",
    ),
    _rule(
        r"field (.+) must be text",
        QT_TRANSLATE_NOOP("net", "field {0} must be text"),
        "field 'text' must be text",
    ),
    _rule(
        r"field (.+) is too long",
        QT_TRANSLATE_NOOP("net", "field {0} is too long"),
        "field 'nick' is too long",
    ),
    _rule(
        r"field (.+) holds a lone surrogate, which is not a character",
        QT_TRANSLATE_NOOP("net", "field {0} holds a lone surrogate, which is not a character"),
        "field 'text' holds a lone surrogate, which is not a character",
    ),
    _rule(
        r"field (.+) must be a small whole number",
        QT_TRANSLATE_NOOP("net", "field {0} must be a small whole number"),
        "field 'seq' must be a small whole number",
    ),
    _rule(
        r"field (.+) must be a number",
        QT_TRANSLATE_NOOP("net", "field {0} must be a number"),
        "field 'ts' must be a number",
    ),
    _rule(
        r"field (.+) is out of range",
        QT_TRANSLATE_NOOP("net", "field {0} is out of range"),
        "field 'ts' is out of range",
    ),
    _rule(
        r"field (.+) must be a list of names",
        QT_TRANSLATE_NOOP("net", "field {0} must be a list of names"),
        "field 'members' must be a list of names",
    ),
    _rule(
        r"field 'chats' must be a list of chats",
        QT_TRANSLATE_NOOP("net", "field 'chats' must be a list of chats"),
        "field 'chats' must be a list of chats",
    ),
    _rule(
        r"field 'chats' holds no chat",
        QT_TRANSLATE_NOOP("net", "field 'chats' holds no chat"),
        "field 'chats' holds no chat",
    ),
    _rule(
        r"group (\d+) of (\d+) is not a list of a sender and texts",
        QT_TRANSLATE_NOOP("net", "group {0} of {1} is not a list of a sender and texts"),
        "group 2 of 5 is not a list of a sender and texts",
    ),
    _rule(
        r"group (\d+) of (\d+): (.+)",
        QT_TRANSLATE_NOOP("net", "group {0} of {1}: {2}"),
        "group 2 of 5: field 'text' must be text",
        nested=(2,),
    ),
    _rule(
        r"(.+) is not a number this protocol accepts",
        QT_TRANSLATE_NOOP("net", "{0} is not a number this protocol accepts"),
        "NaN is not a number this protocol accepts",
    ),
    # ----- gui_chat.protocol.raw: what the user typed in raw mode -------------------------
    _rule(
        r"the character (.+) \(U\+([0-9A-F]+)\) cannot be written in (.+)",
        QT_TRANSLATE_NOOP("net", "the character {0} (U+{1}) cannot be written in {2}"),
        "the character '€' (U+20AC) cannot be written in latin-1",
    ),
    _rule(
        r"(.+) is not whole bytes of hex \(odd number of digits\)",
        QT_TRANSLATE_NOOP("net", "{0} is not whole bytes of hex (odd number of digits)"),
        "'abc' is not whole bytes of hex (odd number of digits)",
    ),
    _rule(
        r"(.+) is not hexadecimal",
        QT_TRANSLATE_NOOP("net", "{0} is not hexadecimal"),
        "'zz' is not hexadecimal",
    ),
    # ----- gui_chat.ui.session_settings: what is missing before a start -------------------
    _rule(
        r"Enter the address of the room to join\.",
        QT_TRANSLATE_NOOP("net", "Enter the address of the room to join."),
        "Enter the address of the room to join.",
    ),
    _rule(
        r"Enter the port of the room to join \(1–65535\)\.",
        QT_TRANSLATE_NOOP("net", "Enter the port of the room to join (1–65535)."),
        "Enter the port of the room to join (1–65535).",
    ),
    _rule(
        r"Enter the host to send to, or set its port to 0 to only listen\.",
        QT_TRANSLATE_NOOP("net", "Enter the host to send to, or set its port to 0 to only listen."),
        "Enter the host to send to, or set its port to 0 to only listen.",
    ),
)


def translate_net_text(text: str) -> str:
    """``text`` (a sentence from gui_chat.net) in the current language; unknown: as is."""
    return _translate(text, 0)


def _translate(text: str, depth: int) -> str:
    if not text or depth > _MAX_DEPTH:
        return text
    for rule in RULES:
        match = rule.pattern.fullmatch(text)
        if match is None:
            continue
        parts = [
            _translate(part, depth + 1) if index in rule.nested else part
            for index, part in enumerate(match.groups())
        ]
        template = QCoreApplication.translate(CONTEXT, rule.template)
        try:
            return template.format(*parts)
        except (IndexError, KeyError, ValueError):  # a broken translation: fall back
            return rule.template.format(*parts)
    return text
