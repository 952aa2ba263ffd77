"""Widgets, models and the controller that ties a window to its session."""
