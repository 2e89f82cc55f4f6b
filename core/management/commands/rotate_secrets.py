"""Re-encrypt every secret stored at rest with the first key of FIELD_ENCRYPTION_KEYS (`--check`: count only)."""

from django.core.management.base import BaseCommand, CommandError

from core.secret_storage import BATCH_SIZE, secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every EncryptedTextField value with the first key of FIELD_ENCRYPTION_KEYS, in batches; "
        "values already on that key are left alone. --check writes nothing and reports values on older keys "
        "and values no key decrypts (exit 1 when there are any of the latter)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report only; write nothing.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        reports = secrets_rotate(check_only=options["check"], batch_size=options["batch_size"])
        for report in reports:
            if options["check"]:
                line = (f"{report.label}: {report.rows} stored, {report.on_old_keys} on older keys, "
                        f"{report.undecryptable} undecryptable")  # fmt: skip
            else:
                line = (f"{report.label}: {report.rotated} re-encrypted of {report.rows} stored, "
                        f"{report.undecryptable} undecryptable")  # fmt: skip
            self.stdout.write(line)
        lost = sum(report.undecryptable for report in reports)
        if lost:
            raise CommandError(
                f"{lost} stored value(s) cannot be decrypted with any key of FIELD_ENCRYPTION_KEYS: "
                "add the key that encrypted them (after the first) and run again"
            )
