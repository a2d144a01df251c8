"""The demo group and the main job behind ``make demo``."""
