"""wagtail-clinic: health articles, massage types and booking for Wagtail sites."""

__version__ = "0.1.0"
