"""Print a webhook secret in the Standard Webhooks form ``whsec_<base64>``.

``manage.py webhook_secret`` prints a fresh random one (32 bytes) for a
``WAGTAIL_CLINIC["WEBHOOKS"]`` entry and its receiver.
``manage.py webhook_secret --convert`` reads a secret from before the
``whsec_`` form on standard input and prints the same key in that form: the
signatures do not change, and the standard libraries can read it. The
secret is never taken as an argument (it would stay in the shell history).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from wagtail_clinic.webhooks.signing import (
    generate_secret,
    is_standard_secret,
    legacy_secret_as_whsec,
    secret_problem,
)


class Command(BaseCommand):
    """``manage.py webhook_secret [--convert]``."""

    #: ``call_command(..., stdin=…)`` may hand it the secret (tests).
    stealth_options = ("stdin",)
    help = (
        "Print a new webhook secret (whsec_<base64>), or with --convert the "
        "whsec_ form of an older secret read from standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--convert",
            action="store_true",
            help=(
                "Read a secret without the whsec_ prefix from standard input and "
                "print the same key as whsec_<base64>."
            ),
        )

    def handle(self, *args, convert=False, **options):
        if not convert:
            self.stdout.write(generate_secret())
            return
        stdin = options.get("stdin") or sys.stdin
        secret = stdin.readline().rstrip("\r\n")
        problem = secret_problem(secret)
        if problem:
            raise CommandError(f"The secret read from standard input {problem}.")
        if is_standard_secret(secret):
            raise CommandError("That secret is already in the whsec_ form.")
        self.stdout.write(legacy_secret_as_whsec(secret))
