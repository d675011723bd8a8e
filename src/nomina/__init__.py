"""nomina: a register of distinct persons built from many overlapping, messy sources."""

__version__ = "0.1.0"
