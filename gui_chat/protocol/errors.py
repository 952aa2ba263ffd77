"""Protocol errors: who broke the rules decides the class."""


class ProtocolError(Exception):
    """Base of every protocol error; ``str(err)`` is a sentence a user can read."""


class LocalProtocolError(ProtocolError):
    """We were about to send something the protocol does not allow."""


class RemoteProtocolError(ProtocolError):
    """The peer sent something the protocol does not allow."""


class FrameTooLargeError(RemoteProtocolError):
    """A length prefix announced more bytes than a frame may carry."""
