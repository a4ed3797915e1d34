"""buddynet: software that runs buddy projects."""

__version__ = "0.1.0"
