"""Deprecated: moved to ``wagtail_clinic.public_input`` (removed in 0.2).

``client_hash`` → ``public_input.client``; ``RateLimited``, ``count_hit``,
``Hit``, ``give_back_hit``, ``parse_rate_setting`` →
``public_input.ratelimit``; ``HONEYPOT_FIELD``, ``honeypot_filled`` →
``public_input.honeypot``.
"""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.public_input import client, honeypot, ratelimit


__all__ = [  # noqa: F822 (see __getattr__)
    "HONEYPOT_FIELD",
    "Hit",
    "RateLimited",
    "client_hash",
    "count_hit",
    "give_back_hit",
    "honeypot_filled",
    "parse_rate_setting",
]

__getattr__ = forward(__name__, (client, ratelimit, honeypot), __all__)
