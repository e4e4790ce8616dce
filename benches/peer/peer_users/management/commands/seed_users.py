"""seed_users --count N: users peer{i}@example.test (i = 0..N-1) for the bench.

Every user gets the password "Zelenyj-Sad7!" and a verified, primary
EmailAddress row. Users that already exist are skipped, so the command can be
run again with the same or a larger count.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from allauth.account.models import EmailAddress

PASSWORD = "Zelenyj-Sad7!"
BATCH = 1000


def email_for(i):
    return f"peer{i}@example.test"


class Command(BaseCommand):
    help = "Create bench users peer{i}@example.test with a fixed password."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)

    def handle(self, *args, count, **options):
        if count < 0:
            raise CommandError("--count must be >= 0")
        User = get_user_model()

        # Fast seeding: the password is hashed ONCE with the first entry of
        # PASSWORD_HASHERS (argon2id, t=2, m=19456, p=1) and that one hash is
        # stored for every user. All users therefore share one salt, which
        # would be wrong for real accounts but changes nothing for the bench:
        # each login still runs one full argon2id verification.
        encoded = make_password(PASSWORD)

        wanted = {email_for(i): i for i in range(count)}
        existing_users = {
            email.lower(): pk
            for pk, email in User.objects.filter(email__in=wanted).values_list(
                "pk", "email"
            )
        }
        new_users = [
            User(username=f"peer{i}", email=email, password=encoded)
            for email, i in wanted.items()
            if email not in existing_users
        ]

        with transaction.atomic():
            for start in range(0, len(new_users), BATCH):
                User.objects.bulk_create(new_users[start : start + BATCH])
            user_ids = dict(
                User.objects.filter(email__in=wanted).values_list("email", "pk")
            )
            have_address = set(
                EmailAddress.objects.filter(email__in=wanted).values_list(
                    "email", flat=True
                )
            )
            addresses = [
                EmailAddress(user_id=pk, email=email, verified=True, primary=True)
                for email, pk in user_ids.items()
                if email not in have_address
            ]
            for start in range(0, len(addresses), BATCH):
                EmailAddress.objects.bulk_create(addresses[start : start + BATCH])

        self.stdout.write(
            f"seed_users: {len(new_users)} users created, "
            f"{count - len(new_users)} already present, "
            f"{len(addresses)} e-mail addresses created"
        )
