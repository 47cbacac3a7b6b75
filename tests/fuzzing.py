"""The fuzzing budget shared by the property-based tests."""

import os


def fuzz_examples(count):
    """``count`` Hypothesis examples, scaled by ``WAGTAIL_CLINIC_FUZZ_SCALE``.

    The full budget runs by default (the SQLite run of scripts/test.sh);
    the PostgreSQL run sets a smaller scale so the whole test command stays
    within its time budget while still exercising the server.
    """
    scale = float(os.environ.get("WAGTAIL_CLINIC_FUZZ_SCALE", "1"))
    return max(20, round(count * scale))
