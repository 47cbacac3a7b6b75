"""What an import did, post by post, and the summary table the command prints.

The report names posts by id and title and images by URL; it never shows a
commenter's name or email address, so it can go into a ticket or a log.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
ACTIONS = (CREATED, UPDATED, UNCHANGED, SKIPPED)


@dataclass
class PostResult:
    """What happened to one post."""

    post_id: str
    title: str
    action: str = ""
    page_id: int | None = None
    page_path: str = ""
    live: bool = False
    images_fetched: int = 0
    images_reused: int = 0
    images_missing: int = 0
    comments_imported: int = 0
    comments_kept: int = 0
    comments_skipped: int = 0
    redirect: str = ""
    notes: list = field(default_factory=list)

    def note(self, message):
        """Add something an editor should look at (once)."""
        if message not in self.notes:
            self.notes.append(message)


@dataclass
class Report:
    """Every post's result, and what was skipped before any post was read."""

    dry_run: bool = False
    source_site: str = ""
    parent_path: str = ""
    results: list = field(default_factory=list)
    skipped_types: dict = field(default_factory=dict)
    general_notes: list = field(default_factory=list)

    def count(self, action):
        """How many posts had ``action``."""
        return sum(1 for result in self.results if result.action == action)

    def total(self, attribute):
        """The sum of a ``PostResult`` counter over all posts."""
        return sum(getattr(result, attribute) for result in self.results)

    def lines(self):
        """The summary as lines of text: a table, totals, then editors' to-dos."""
        verb = _("would be ") if self.dry_run else ""
        heading = _("Dry run: nothing was written.") if self.dry_run else ""
        rows = [
            (
                _("post"),
                _("title"),
                _("action"),
                _("page"),
                _("images new/reused/missing"),
                _("comments new/kept/skipped"),
                _("redirect"),
                _("to check"),
            )
        ]
        for result in self.results:
            page = result.page_path or "-"
            if result.page_id:
                page = f"{page} (#{result.page_id}{', live' if result.live else ''})"
            rows.append(
                (
                    result.post_id,
                    shorten(result.title, 40),
                    f"{verb}{result.action}",
                    page,
                    f"{result.images_fetched}/{result.images_reused}/"
                    f"{result.images_missing}",
                    f"{result.comments_imported}/{result.comments_kept}/"
                    f"{result.comments_skipped}",
                    result.redirect or "-",
                    str(len(result.notes)),
                )
            )
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
        out = []
        if heading:
            out.append(heading)
        out.append(
            _("WordPress import from %(site)s into %(parent)s")
            % {"site": self.source_site, "parent": self.parent_path}
        )
        for number, row in enumerate(rows):
            out.append(
                " | ".join(
                    str(cell).ljust(width)
                    for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if number == 0:
                out.append("-+-".join("-" * width for width in widths))
        out.append(
            _(
                "Posts: %(created)s created, %(updated)s updated, %(unchanged)s "
                "unchanged, %(skipped)s skipped. Images: %(fetched)s fetched, "
                "%(reused)s reused, %(missing)s missing. Comments: %(imported)s "
                "imported, %(kept)s already imported, %(cskipped)s skipped."
            )
            % {
                "created": self.count(CREATED),
                "updated": self.count(UPDATED),
                "unchanged": self.count(UNCHANGED),
                "skipped": self.count(SKIPPED),
                "fetched": self.total("images_fetched"),
                "reused": self.total("images_reused"),
                "missing": self.total("images_missing"),
                "imported": self.total("comments_imported"),
                "kept": self.total("comments_kept"),
                "cskipped": self.total("comments_skipped"),
            }
        )
        if self.skipped_types:
            out.append(
                _("Not imported (not posts): %(items)s")
                % {
                    "items": ", ".join(
                        f"{name} × {count}"
                        for name, count in sorted(self.skipped_types.items())
                    )
                }
            )
        to_check = [(result, note) for result in self.results for note in result.notes]
        if to_check or self.general_notes:
            out.append(
                _("For an editor to check (%(count)s):")
                % {"count": len(to_check) + len(self.general_notes)}
            )
            out.extend(f"  - {note}" for note in self.general_notes)
            for result, note in to_check:
                out.append(f"  - #{result.post_id} {shorten(result.title, 40)}: {note}")
        return out


def shorten(text, length):
    """``text`` cut at ``length`` characters, with an ellipsis."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
