"""`manage.py retention_cleanup`: delete rows past their retention now (ARCHITECTURE §12)."""

from django.core.management.base import BaseCommand, CommandError

from jobs.retention import RETENTION_TARGETS, RetentionCleanupFailed, retention_cleanup, retention_cleanup_job


class Command(BaseCommand):
    help = (
        "Delete up to --batch-size overdue rows per table, oldest first, and print per table what was deleted, "
        "what is still overdue and the lag in days. --dry-run deletes nothing and prints what would be deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, help="Rows per table (default RETENTION_BATCH_SIZE).")
        parser.add_argument("--dry-run", action="store_true", help="Delete nothing; show what would be deleted.")

    def handle(self, *args, **options):
        batch_size, dry_run = options["batch_size"], options["dry_run"]
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        failed = None
        if dry_run:
            result = retention_cleanup(batch_size=batch_size, dry_run=True)
        else:
            try:
                result = retention_cleanup_job(batch_size=batch_size, trigger="manual")
            except RetentionCleanupFailed as exc:  # the other tables were cleaned: show them, then fail
                result, failed = exc.result, exc
        self._print(result, dry_run=dry_run)
        if failed is not None:
            raise CommandError(f"retention cleanup failed: {failed}")

    def _print(self, result: dict, *, dry_run: bool) -> None:
        deleted = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{'table':34} {'days':>5} {deleted:>12} {'remaining overdue':>18} {'lag days':>9}")
        for table, entry in result["tables"].items():
            target = RETENTION_TARGETS.get(table)
            days = target.days() if target else ""
            if "error" in entry:
                self.stdout.write(f"{table:34} {days:>5} error: {entry['error']}")
                continue
            counts = f"{entry['deleted']:>12} {entry['remaining_overdue']:>18} {entry['lag_days']:>9.2f}"
            self.stdout.write(f"{table:34} {days:>5} {counts}")
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")
