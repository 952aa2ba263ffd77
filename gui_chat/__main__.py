"""Command line: ``python -m gui_chat`` opens the window; ``… serve`` runs a headless room."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from gui_chat import APP_NAME, __version__, fast_enums

#: Set to 0 to turn discovery off without a command-line flag.
DISCOVERY_ENV = "GUI_CHAT_DISCOVERY"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="A LAN messenger and socket workbench: "
        "host a TCP room, join one, or chat over UDP.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="open the window offscreen, chat with itself over TCP and UDP on 127.0.0.1, "
        "print each step and exit 0 on success",
    )
    _add_common(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="run a room without a window (Ctrl+C stops it)",
        description="Run a gui_chat room without a window, logging to the terminal. "
        "Ctrl+C or SIGTERM stops it cleanly.",
    )
    serve.add_argument(
        "--host", default="0.0.0.0", help="address to listen on (default: 0.0.0.0, every network)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=50007,
        help="TCP port to listen on; 0 picks a free one (default: 50007)",
    )
    serve.add_argument(
        "--name", default="", help="room name shown to others (default: NICK's room)"
    )
    serve.add_argument(
        "--nick", default="host", help="the host's name in the member list (default: host)"
    )
    serve.add_argument(
        "--max-clients",
        type=int,
        default=500,
        help="refuse further clients politely beyond this many (default: 500)",
    )
    _add_common(serve)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-discovery",
        action="store_true",
        help=f"do not announce or look for others on the LAN (UDP broadcast on port 50009); "
        f"also off when the environment variable {DISCOVERY_ENV}=0",
    )
    parser.add_argument(
        "--keepalive",
        type=float,
        metavar="SECONDS",
        default=None,
        help="ping a quiet peer after SECONDS and give up on a silent one after 3.5 × SECONDS "
        "(default: 10)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much to log to the terminal (default: INFO)",
    )


def discovery_enabled(args: argparse.Namespace) -> bool:
    return not args.no_discovery and os.environ.get(DISCOVERY_ENV, "1") != "0"


def main(argv: list[str] | None = None) -> int:
    fast_enums.install()  # before PySide makes its first enum class
    args = build_parser().parse_args(argv)
    if args.command == "serve" or args.self_check:
        gc.enable()  # the packaged app starts with the cycle collector off (build.spec)
    if args.command == "serve":
        return _serve(args)
    if args.self_check:
        from gui_chat.selfcheck import run_self_check

        return run_self_check()
    # Start-up builds many objects and frees almost none: the cycle collector would only
    # slow it down. run_app turns it back on once the window is shown.
    gc.disable()
    from gui_chat.app import run_app
    from gui_chat.ui.options import AppOptions

    options = AppOptions(discovery=discovery_enabled(args), keepalive=args.keepalive)
    return run_app(options, log_level=args.log_level)


def _serve(args: argparse.Namespace) -> int:
    import logging

    from gui_chat.net.discovery import DiscoveryConfig
    from gui_chat.net.room import Keepalive, RoomConfig
    from gui_chat.protocol import normalize_nick
    from gui_chat.serve import serve

    logging.basicConfig(
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    nick = normalize_nick(args.nick)
    config = RoomConfig(
        host=args.host,
        port=args.port,
        nick=nick,
        room_name=normalize_nick(args.name) if args.name else f"{nick}'s room",
        max_clients=args.max_clients,
        keepalive=Keepalive.from_seconds(args.keepalive),
    )
    return serve(config, DiscoveryConfig() if discovery_enabled(args) else None)


if __name__ == "__main__":
    sys.exit(main())
