"""Deprecated: moved to ``wagtail_clinic.serialisation.richtext`` (removed in 0.2)."""

from wagtail_clinic._deprecation import forward
from wagtail_clinic.serialisation import richtext as _richtext


__all__ = ["BatchedRichText", "expand_rich_text_in", "iter_rich_text"]  # noqa: F822

__getattr__ = forward(__name__, _richtext, __all__)
