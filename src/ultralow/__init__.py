"""ultralow: CEMS data over HJ 212, HJ 75/76 processing, compliance, claim checking and disclosure."""

__version__ = "0.1.0"
