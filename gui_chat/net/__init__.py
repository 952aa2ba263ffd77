"""Sockets and their event loops; no Qt here.

Each session (a room, a client, a UDP peer) is one :class:`SessionLoop` run on one
thread by its owner. It reports what happens as lists of :mod:`events` through a
callback and takes commands from any thread.
"""
