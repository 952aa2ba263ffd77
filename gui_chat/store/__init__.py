"""Local storage: the chat history in SQLite. No Qt and no sockets here."""
