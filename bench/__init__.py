"""Benchmarks of gui_chat: ``python -m bench.run`` (see docs/performance.md)."""
