"""factory_boy factories for the domain objects."""

from __future__ import annotations

import factory
from django.utils import timezone

from buddynet.accounts.models import User
from buddynet.participants.models import Participant
from buddynet.tenancy.models import Membership, Network, Organisation, Project
from buddynet.volunteers.models import Buddy

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.be")
    # Fixed, recognisable names: tests search pages for participants' names, and a
    # random user name must never collide with one.
    first_name = factory.Sequence(lambda n: f"Gebruiker{n}")
    last_name = "Testaccount"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Netwerk {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"CAW {n}")
    town = "Gent"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Buddyproject {n}")
    target_group = "eenzame ouderen"
    town = "Gent"
    contact_email = "project@example.be"
    require_coordinator_2fa = False


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "project_coordinator"
    project = factory.SubFactory(ProjectFactory)


def member(project, role: str, **user_kwargs):
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, role=role, project=project)
    return user


class BuddyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buddy

    project = factory.SubFactory(ProjectFactory)
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    email = factory.Sequence(lambda n: f"buddy{n}@example.be")
    phone = "0470 12 34 56"
    postcode = "9000"
    town = "Gent"
    languages = factory.LazyFunction(lambda: ["nl"])
    status = Buddy.Status.READY


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    project = factory.SubFactory(ProjectFactory)
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    postcode = "9000"
    town = "Gent"
    help_request = "Iemand om mee te praten."
    status = Participant.Status.WAITING
    referred_on = factory.LazyFunction(lambda: timezone.localdate())
    waiting_since = factory.LazyFunction(lambda: timezone.localdate())
    health_notes = "Geheime gezondheidsinfo"


class SelfSignupFactory(ParticipantFactory):
    """Someone who signed up on the public page and was not yet seen for an intake."""

    source = Participant.Source.SELF
    status = Participant.Status.REFERRED
    referred_by = None
    waiting_since = None
    health_notes = ""
    phone = "0470 12 34 56"


class MatchedParticipantFactory(ParticipantFactory):
    """Someone who already has a buddy."""

    status = Participant.Status.MATCHED
    matched_on = factory.LazyFunction(lambda: timezone.localdate())


def share_with_referrer(participant, *, by) -> None:
    """The participant agrees that their referrer follows their progress (the
    professional in their trajectory sees it only while this consent holds)."""
    from django_scopes import scopes_disabled

    from buddynet.participants import consent, services

    with scopes_disabled():
        services.consent_record(
            participant=participant, purpose=consent.SHARE_WITH_REFERRER, given=True, by=by
        )
