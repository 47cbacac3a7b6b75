"""Read WordPress exports: WXR XML (``wxr``) and saved REST JSON (``rest``).

``read_exports(paths)`` detects each file's format from its content and
merges them into one ``source.Export``.
"""

from pathlib import Path

from django.utils.translation import gettext as _

from .rest import parse_rest
from .source import Export, SourceError
from .wxr import looks_like_wxr, parse_wxr


__all__ = ["Export", "SourceError", "read_export", "read_exports"]


#: Larger files are refused before parsing (a WXR of thousands of posts is
#: a few tens of megabytes).
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_export(path):
    """Read one file, WXR or REST JSON as its content says."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SourceError(
                _("%(file)s: larger than %(size)s MB; split the export.")
                % {"file": path.name, "size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(
            _("%(file)s: cannot be read: %(error)s")
            % {"file": path, "error": exc.strerror or exc}
        ) from exc
    if looks_like_wxr(data):
        return parse_wxr(data, path.name)
    return parse_rest(data, path.name)


def read_exports(paths):
    """Read and merge several files (see ``read_export``)."""
    export = Export()
    for path in paths:
        export.merge(read_export(path))
    export.unmatched_comments = export.attach_comments()
    return export
