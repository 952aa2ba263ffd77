"""Command line: ``python -m gui_chat`` starts the window."""

from __future__ import annotations

import argparse
import sys

from gui_chat import APP_NAME, __version__


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
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much to log to the terminal (default: INFO)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_check:
        from gui_chat.selfcheck import run_self_check

        return run_self_check()
    from gui_chat.app import run_app

    return run_app(log_level=args.log_level)


if __name__ == "__main__":
    sys.exit(main())
