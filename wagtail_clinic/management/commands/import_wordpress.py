"""``manage.py import_wordpress FILE [FILE ...] --parent PAGE [--publish] [--dry-run]``.

Imports WordPress posts (a WXR export from Tools › Export, or saved REST
API JSON) as condition articles under a condition index page, with their
images, comments, SEO fields and redirects from the old URLs. Idempotent:
running it again updates the same pages. See docs/importing.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wagtail_clinic.importers.wordpress import SourceError, read_exports
from wagtail_clinic.importers.wordpress.pages import (
    ImportFailed,
    WordPressImporter,
    find_parent,
)


class Command(BaseCommand):
    help = (
        "Import WordPress posts (WXR export or saved REST API JSON) as condition "
        "articles under a condition index page. Drafts unless --publish; "
        "--dry-run writes nothing. Running it again updates the same pages."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help="WXR XML files (Tools › Export) or saved /wp-json/wp/v2/ JSON.",
        )
        parser.add_argument(
            "--parent",
            required=True,
            metavar="PAGE",
            help="The condition index page: its id or URL path, e.g. /conditions/.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the pages of published posts (default: drafts).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be created or updated; write nothing.",
        )
        parser.add_argument(
            "--keep-pending-comments",
            action="store_true",
            help="Import comments awaiting moderation as pending (default: skip).",
        )
        parser.add_argument(
            "--images-from",
            metavar="DIR",
            help=(
                "A copy of the site's wp-content/uploads folder: images are read "
                "from it and never downloaded."
            ),
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=5.0,
            help="Seconds to wait for each image download (default 5).",
        )

    def handle(self, *args, files, parent, **options):
        if options["images_from"] and not Path(options["images_from"]).is_dir():
            raise CommandError(
                f"--images-from {options['images_from']!r} is not a folder."
            )
        try:
            export = read_exports(files)
            importer = WordPressImporter(
                find_parent(parent),
                publish=options["publish"],
                dry_run=options["dry_run"],
                keep_pending_comments=options["keep_pending_comments"],
                images_from=options["images_from"],
                timeout=options["timeout"],
                base_dir=Path(files[0]).resolve().parent,
            )
            report = importer.run(export)
        except (SourceError, ImportFailed) as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        for line in report.lines():
            self.stdout.write(line)
