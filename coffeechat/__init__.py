"""coffeechat: informational interviews, run as a system."""

__version__ = "0.1.0"
