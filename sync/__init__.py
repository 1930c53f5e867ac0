"""代办通 shared core: the common language of station and town center."""

__version__ = "0.1.0"
