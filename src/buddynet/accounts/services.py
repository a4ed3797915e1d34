"""Writes for accounts: API tokens (shown once, stored hashed), one e-mail address per
account, the one answer to "does this user meet the 2FA requirement?", the link that
sets a new account's password, and a project's team (inviting and removing its
coordinators, referring professionals and privacy officers)."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from buddynet.core.errors import ServiceError
from buddynet.core.mail import mail_user
from buddynet.core.models import AuditEntry
from buddynet.core.tokens import token_hash
from buddynet.tenancy.access import access_for_user
from buddynet.tenancy.models import Membership, Project, Role

from .models import APIToken, User, normalize_email

MAX_ACTIVE_TOKENS = 10


class AccountError(ServiceError):
    """A rule about accounts was broken; the message is safe to show."""


# --- Two-step verification ---------------------------------------------------------


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_meets_2fa_requirement(user, *, access=None) -> bool:
    """False when a project this user coordinates requires two-step verification and
    they have not set it up. Everything a coordinator reaches (pages, API, calendar
    feed) must refuse them until they have. ``access`` (the user's ``Access``) saves a
    query when the caller has it."""
    if user is None or not user.is_authenticated:
        return True
    access = access or access_for_user(user)
    return not access.two_factor_required or user_has_totp(user)


# --- E-mail addresses: one address, one account --------------------------------------


def email_in_use(email: str, *, exclude_user=None) -> bool:
    """Whether another account has this address (as its log-in, or as an allauth
    address that is confirmed or primary), whatever the capitals."""
    email = normalize_email(email)
    if not email:
        return False
    users = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email).filter(
        Q(verified=True) | Q(primary=True)
    )
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
        addresses = addresses.exclude(user_id=exclude_user.pk)
    return users.exists() or addresses.exists()


def email_address_sync(*, user) -> None:
    """Make allauth's addresses of ``user`` agree with ``user.email``: that address is
    there, primary and confirmed; no other confirmed or primary address is left (an
    address being changed to, not yet confirmed, stays until it is confirmed)."""
    email = normalize_email(user.email)
    if not email or user.pk is None:
        return
    with transaction.atomic():
        # Someone else still confirming this address as their new one: no longer.
        EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user=user).delete()
        stale = EmailAddress.objects.filter(user=user).exclude(email__iexact=email)
        stale.filter(Q(verified=True) | Q(primary=True)).delete()
        current = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if current is None:
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        elif not (current.primary and current.verified and current.email == email):
            EmailAddress.objects.filter(pk=current.pk).update(
                email=email, primary=True, verified=True
            )


def email_address_check(address: EmailAddress) -> None:
    """Refuse (as a constraint would) an allauth address that belongs to another
    account. Runs before every save of an ``EmailAddress``."""
    address.email = normalize_email(address.email)
    if email_in_use(address.email, exclude_user=address.user):
        raise IntegrityError("This e-mail address belongs to another account.")


# --- API tokens -----------------------------------------------------------------------


def api_token_create(*, user, name: str) -> tuple[APIToken, str]:
    name = name.strip()
    if not name:
        raise AccountError(_("Give the token a name."), field="name")
    raw = APIToken.generate()
    with transaction.atomic():
        # Lock the user so two simultaneous requests cannot pass the limit together.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if _working_tokens(user).count() >= MAX_ACTIVE_TOKENS:
            raise AccountError(
                _("You already have 10 active tokens. Revoke one first."), code="too_many"
            )
        token = APIToken.objects.create(
            user=user, name=name[:100], prefix=raw[:8], key_hash=token_hash(raw)
        )
        AuditEntry.record("account.api_token.created", obj=token, user=user, data={"name": name})
    return token, raw


def _working_tokens(user):
    tokens = APIToken.objects.filter(user=user, revoked_at__isnull=True)
    if user.password_changed_at is not None:
        tokens = tokens.filter(created_at__gte=user.password_changed_at)
    return tokens


def api_token_revoke(*, user, token: APIToken) -> APIToken:
    if token.user_id != user.pk:
        raise AccountError(_("This token is not yours."), status=403)
    with transaction.atomic():
        token = APIToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            AuditEntry.record("account.api_token.revoked", obj=token, user=user)
    return token


def api_tokens_revoke_all(*, user, reason: str) -> int:
    """Revoke every token of ``user`` (after a password change or reset)."""
    with transaction.atomic():
        tokens = list(
            APIToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        )
        now = timezone.now()
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            AuditEntry.record(
                "account.api_token.revoked", obj=token, user=user, data={"reason": reason}
            )
    return len(tokens)


def api_token_authenticate(raw: str):
    """The user a token belongs to, or None. Marks the token as used (at most once a minute).

    A token stops working when revoked, when its owner is deactivated, and when its
    owner's password was set after it was made (change, reset, admin): whoever had the
    old password may have made it.
    """
    if not raw or not raw.startswith(settings.BUDDYNET_API_TOKEN_PREFIX):
        return None
    token = (
        APIToken.objects.select_related("user")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .filter(
            Q(user__password_changed_at__isnull=True)
            | Q(created_at__gte=F("user__password_changed_at"))
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- A new account's first log-in --------------------------------------------------------


def set_password_url(account) -> str:
    """A one-time link to choose a password: allauth's reset-from-key page with a token
    from its own generator (valid until the password is set or the account logs in, and
    at most ``PASSWORD_RESET_TIMEOUT``)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(account),
            "key": default_token_generator.make_token(account),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


# --- A project's team ---------------------------------------------------------------------

# The roles a project's coordinators give and take back on the team page (buddies and
# participants get theirs from their own file).
TEAM_ROLES = (Role.PROJECT_COORDINATOR, Role.PROFESSIONAL, Role.PRIVACY_OFFICER)


def member_invite(
    *, project: Project, by, email: str, first_name: str, last_name: str, role: str
) -> Membership:
    """Give a person a role in the project's team: their account (found by e-mail,
    whatever the capitals, or made without a password), the membership (a removed one is
    given back), an audit entry, and an e-mail in their language with a link to choose
    their password (or to log in, when they have one). The same person in the same role
    twice is refused (409); two invitations at once run one after the other."""
    if role not in TEAM_ROLES:
        raise AccountError(_("Choose one of the roles in the list."), field="role")
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AccountError(_("Enter a valid e-mail address."), field="email") from exc
    with transaction.atomic():
        # Lock the project: two invitations (a double click, two coordinators) run one
        # after the other, so the second finds what the first made.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        account, created = _account_for(email=email, first_name=first_name, last_name=last_name)
        if not account.is_active:
            raise AccountError(
                _("The account of %(email)s is switched off. Ask the platform's staff.")
                % {"email": email},
                field="email",
                code="account_inactive",
                status=409,
            )
        membership = Membership.objects.filter(user=account, role=role, project=project).first()
        if membership is not None and membership.is_active:
            raise AccountError(
                _("%(name)s is already %(role)s in this project.")
                % {"name": account.display_name, "role": Role(role).label},
                field="email",
                code="already_member",
                status=409,
            )
        rejoined = membership is not None
        if membership is None:
            membership = Membership.objects.create(user=account, role=role, project=project)
        else:
            membership.is_active = True
            membership.save(update_fields=["is_active", "updated_at"])
        membership.log_action(
            "team.member_added",
            user=by,
            data={"role": role, "rejoined": rejoined, "new_account": created},
        )
    _mail_invitation(membership=membership, by=by)
    return membership


def _account_for(*, email: str, first_name: str, last_name: str) -> tuple[User, bool]:
    """The account with this address, or a new one without a password (and whether it
    is new). Made by another request at the same moment (another project's invitation):
    that one."""
    account = User.objects.filter(email__iexact=email).first()
    if account is not None:
        return account, False
    try:
        with transaction.atomic():
            account = User.objects.create_user(
                email=email, first_name=first_name.strip(), last_name=last_name.strip()
            )
    except IntegrityError:
        return User.objects.get(email__iexact=email), False
    return account, True


def _mail_invitation(*, membership: Membership, by) -> None:
    account = membership.user
    project = membership.project
    has_password = account.has_usable_password()
    mail_user(
        account,
        "accounts/email/team_invite",
        {
            "project": project,
            "role": membership.role,
            "role_label": Role(membership.role).label,
            "by": by,
            "has_password": has_password,
            "url": None if has_password else set_password_url(account),
            "login_url": settings.SITE_URL.rstrip("/") + reverse("account_login"),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "two_factor": project.require_coordinator_2fa
            and membership.role in (Role.PROJECT_COORDINATOR, Role.PRIVACY_OFFICER),
        },
    )


def member_remove(*, membership: Membership, by) -> Membership:
    """Take a person's role in the project's team back (the membership stays, inactive,
    for the history). The project keeps at least one active coordinator: the last one
    cannot be removed, not even by themselves. Removed already (a double click): the
    same result, nothing written."""
    project_id = membership.project_id
    if membership.role not in TEAM_ROLES or project_id is None:
        raise AccountError(_("This role is not part of the project's team."), status=403)
    with transaction.atomic():
        # The project first, as member_invite: two removals at once cannot both see
        # "another coordinator remains" and leave none.
        Project.objects.select_for_update().filter(pk=project_id).first()
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if not locked.is_active:
            return locked
        if locked.role == Role.PROJECT_COORDINATOR and not _other_coordinator(
            locked, project_id=project_id
        ):
            raise AccountError(
                _(
                    "%(name)s is the project's last coordinator. Invite another "
                    "coordinator first: a project always has one."
                )
                % {"name": locked.user.display_name},
                code="last_coordinator",
                status=409,
            )
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        locked.log_action("team.member_removed", user=by, data={"role": locked.role})
    return locked


def _other_coordinator(membership: Membership, *, project_id: int) -> bool:
    return (
        Membership.objects.filter(
            project_id=project_id,
            role=Role.PROJECT_COORDINATOR,
            is_active=True,
            user__is_active=True,
        )
        .exclude(pk=membership.pk)
        .exists()
    )
