"""One address, one account: e-mail addresses in lower case, unique whatever the
capitals; allauth's EmailAddress rows in step with User.email (addresses of another
account removed, each user's own address present, primary and verified). And the time
of the last password change, which API tokens are checked against."""

import django.db.models.functions.text
from django.db import migrations, models


def normalise_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.all().only("pk", "email"):
        clean = (user.email or "").strip().lower()
        if clean != user.email:
            User.objects.filter(pk=user.pk).update(email=clean)
    owners = dict(User.objects.values_list("email", "pk"))
    for address in EmailAddress.objects.all():
        owner = owners.get(address.email.strip().lower())
        if owner is not None and owner != address.user_id:
            address.delete()  # another account's address: never this user's
    for email, pk in owners.items():
        if not email:
            continue
        EmailAddress.objects.filter(user_id=pk, primary=True).exclude(email=email).update(
            primary=False
        )
        EmailAddress.objects.filter(user_id=pk, verified=True).exclude(email=email).delete()
        EmailAddress.objects.update_or_create(
            user_id=pk, email=email, defaults={"primary": True, "verified": True}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(normalise_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="accounts_user_email_ci_unique",
            ),
        ),
    ]
