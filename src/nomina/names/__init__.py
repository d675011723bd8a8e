"""Personal names: scripts and romanised keys (the base identity resolution builds on)."""

from nomina.names.scripts import detect_script, romanise

__all__ = ["detect_script", "romanise"]
