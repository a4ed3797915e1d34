"""The demo network: realistic, deterministic, and able to grow to benchmark size.

``seed_demo(scale=250)`` creates a learning network with three organisations (a CAW, an
OCMW, a vzw), five buddy projects with different target groups, ``scale`` participants
and ``scale // 5`` buddies spread over the projects (Flemish names from Faker ``nl_BE``,
real towns and postcodes from the bundled municipality list), and one demo login per
role. The same seed gives the same people; dates are offsets from today so the demo
always looks current.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from faker import Faker

from buddynet.accounts.models import User
from buddynet.core.bulk import bulk_load
from buddynet.core.geo import Municipality, municipalities
from buddynet.core.models import AuditEntry
from buddynet.core.plugins import feature_modules
from buddynet.participants.models import Participant
from buddynet.tenancy.models import Membership, Network, Organisation, Project, Role
from buddynet.volunteers.models import Buddy

NETWORK_NAME = "Lerend netwerk buddywerking Vlaanderen"
DEMO_PASSWORD = "buddynet-demo"  # noqa: S105 — printed on purpose, demo only
DEMO_DOMAIN = "demo.buddynet.be"
BATCH = 5000

ORGANISATIONS = [
    ("CAW Oost-Vlaanderen", Organisation.LegalStatus.VZW, "Gent"),
    ("OCMW Genk", Organisation.LegalStatus.PUBLIC, "Genk"),
    ("vzw Samen Onderweg", Organisation.LegalStatus.VZW, "Antwerpen"),
]

# (organisation index, name, target group, town, share of participants, 2FA required)
PROJECTS = [
    (0, "Buddywerking Gent", "mensen in armoede en sociaal isolement", "Gent", 0.28, False),
    (0, "Buddy's voor jongvolwassenen", "jongeren die de jeugdhulp verlaten", "Aalst", 0.16, True),
    (1, "Samen Thuis Genk", "eenzame ouderen", "Genk", 0.2, True),
    (2, "Nieuwkomersbuddy Antwerpen", "nieuwkomers en hun gezin", "Antwerpen", 0.22, True),
    (
        2,
        "Buddy bij psychische kwetsbaarheid",
        "mensen met psychische kwetsbaarheid op de wachtlijst voor zorg",
        "Mechelen",
        0.14,
        True,
    ),
]

HELP_REQUESTS = [
    "Ik wil graag iemand om mee te praten en af en toe samen iets te doen.",
    "We zijn nieuw in België en zoeken hulp met de school en de buurt.",
    "Sinds mijn partner overleden is kom ik weinig buiten.",
    "Ik zoek iemand die mee gaat naar afspraken en helpt met papieren.",
    "Ik wil mijn weg vinden in de stad: vrije tijd, sport, mensen leren kennen.",
    "Ik sta op de wachtlijst voor begeleiding en wil intussen niet alleen staan.",
    "Mijn kinderen en ik willen meer contact met mensen in de buurt.",
    "Ik wil leren de bus en de trein te nemen om zelf naar mijn werk te gaan.",
]
INTERESTS = [
    "wandelen",
    "koken",
    "fietsen",
    "lezen",
    "muziek",
    "voetbal",
    "tuinieren",
    "knutselen",
    "film",
    "koffie drinken",
    "gezelschapsspellen",
    "natuur",
]
LANGUAGE_POOLS = [
    (["nl"], 60),
    (["nl", "fr"], 12),
    (["nl", "en"], 14),
    (["nl", "ar"], 4),
    (["nl", "tr"], 3),
    (["nl", "uk"], 2),
    (["ar"], 2),
    (["fr"], 2),
    (["en"], 1),
]
PARTICIPANT_STATUSES = [
    (Participant.Status.REFERRED, 6),
    (Participant.Status.INTAKE, 8),
    (Participant.Status.WAITING, 42),
    (Participant.Status.MATCHED, 32),
    (Participant.Status.CLOSED, 12),
]
BUDDY_STATUSES = [
    (Buddy.Status.APPLIED, 8),
    (Buddy.Status.INTAKE, 5),
    (Buddy.Status.SCREENING, 8),
    (Buddy.Status.TRAINING, 10),
    (Buddy.Status.DECISION, 4),
    (Buddy.Status.READY, 14),
    (Buddy.Status.ACTIVE, 48),
    (Buddy.Status.PAUSED, 5),
    (Buddy.Status.STOPPED, 7),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    note: str


DEMO_LOGINS = [
    DemoLogin("network coordinator", f"netwerk@{DEMO_DOMAIN}", "all projects, figures only"),
    DemoLogin(
        "project coordinator",
        f"coordinator@{DEMO_DOMAIN}",
        "Buddywerking Gent (two-step verification off for the demo)",
    ),
    DemoLogin("professional (referrer)", f"doorverwijzer@{DEMO_DOMAIN}", "CAW social worker"),
    DemoLogin("buddy", f"buddy@{DEMO_DOMAIN}", "a buddy in Buddywerking Gent"),
    DemoLogin("participant", f"deelnemer@{DEMO_DOMAIN}", "waiting in Buddywerking Gent"),
    DemoLogin(
        "privacy officer",
        f"privacy@{DEMO_DOMAIN}",
        "Buddywerking Gent: register, who looked at what, retention",
    ),
    DemoLogin("superuser", f"admin@{DEMO_DOMAIN}", "Django admin at /admin/"),
]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


@lru_cache(maxsize=1)
def _flemish_towns() -> tuple[Municipality, ...]:
    towns = [m for m in municipalities() if m.region in {"flanders", "brussels"} and m.postcodes]
    return tuple(sorted(towns, key=lambda m: m.nis_code))


def _nearby(centre: str, rng: random.Random) -> Municipality:
    """A town near the project's town: people mostly live close to their project."""
    anchor, near = _around(centre)
    return anchor if rng.random() < 0.45 else rng.choice(near)


@lru_cache(maxsize=32)
def _around(centre: str) -> tuple[Municipality, list[Municipality]]:
    """The centre's town and the towns around it: once per centre, not once per person
    (at 100,000 people that was a minute of the seed)."""
    towns = _flemish_towns()
    anchor = next(m for m in towns if m.name_nl == centre)
    near = [
        m
        for m in towns
        if abs(m.latitude - anchor.latitude) < 0.25 and abs(m.longitude - anchor.longitude) < 0.35
    ]
    return anchor, near


class _NamePool:
    """Pre-drawn Faker names so that 100,000 people take seconds, not minutes."""

    def __init__(self, seed: int, size: int = 3000):
        fake = Faker("nl_BE")
        fake.seed_instance(seed)
        self.female = [fake.first_name_female() for _ in range(size // 2)]
        self.male = [fake.first_name_male() for _ in range(size // 2)]
        self.last = [fake.last_name() for _ in range(size)]
        self.phone = fake.phone_number

    def person(self, rng: random.Random) -> tuple[str, str, str]:
        gender = rng.choices(["f", "m", "x", ""], weights=[52, 42, 2, 4])[0]
        first = rng.choice(self.male if gender == "m" else self.female)
        return first, rng.choice(self.last), gender


def demo_exists() -> bool:
    return Network.objects.filter(name=NETWORK_NAME).exists()


@scopes_disabled()
def demo_delete() -> None:
    """Remove the demo network and everything in it (demo logins included)."""
    network = Network.objects.filter(name=NETWORK_NAME).first()
    if network is None:
        return
    projects = Project.objects.filter(organisation__network=network)
    with transaction.atomic():
        # Apps remove what protects the people first: buddynet.<app>.demo.delete_extra(...).
        for _app, module in feature_modules("demo"):
            if hasattr(module, "delete_extra"):
                module.delete_extra(projects=projects)
        Participant.objects.filter(project__in=projects).delete()
        Buddy.objects.filter(project__in=projects).delete()
        Membership.objects.filter(project__in=projects).delete()
        Membership.objects.filter(network=network).delete()
        AuditEntry.unscoped.filter(project__in=projects).delete()
        projects.delete()
        Organisation.objects.filter(network=network).delete()
        network.delete()
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()


def _balance(projects, progress, *, accompanies_one: int) -> None:
    """Make the statuses tell one story before the apps add trajectories to them.

    A participant marked matched walks with a buddy, and a buddy marked active (the
    dashboard says "accompanies someone") walks with at least one participant. Drawn at
    random, the two did not fit: a project could have 17 matched participants and two
    active buddies. Per project: the matched people beyond what the active buddies can
    take go back to the waiting list (they keep their dates), and active buddies left
    without anyone are ready to match. The trajectories demo then pairs every matched
    participant with an active buddy, the buddies in pk order, each up to their capacity.
    The demo buddy (``accompanies_one``) walks with one person: their second place is
    for the demo participant they were just introduced to.
    """
    for project in projects:
        active = list(
            Buddy.objects.filter(project=project, status=Buddy.Status.ACTIVE)
            .order_by("pk")
            .values_list("pk", "capacity")
        )
        matched = list(
            Participant.objects.filter(project=project, status=Participant.Status.MATCHED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        room = sum(1 if pk == accompanies_one else capacity for pk, capacity in active)
        Participant.objects.filter(pk__in=matched[room:]).update(status=Participant.Status.WAITING)
        idle = [pk for pk, _capacity in active[len(matched) :]]
        Buddy.objects.filter(pk__in=idle).update(status=Buddy.Status.READY)
    progress("statuses: every matched participant has room with an active buddy")


def _user(email: str, first: str, last: str, *, superuser: bool = False) -> User:
    maker = User.objects.create_superuser if superuser else User.objects.create_user
    return maker(email=email, password=DEMO_PASSWORD, first_name=first, last_name=last)


def _batched(items: Iterator, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@scopes_disabled()
def seed_demo(
    *,
    scale: int = 250,
    seed: int = 2026,
    today: date | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Network:
    """Create the demo network. ``scale`` is the number of participants."""
    if scale < 10:
        raise ValueError("scale must be at least 10 participants")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    names = _NamePool(seed)

    with transaction.atomic(), bulk_load():
        _bulk_load_settings()
        network = Network.objects.create(
            name=NETWORK_NAME,
            description=(
                "Het lerend netwerk van de Vlaamse buddyprojecten: wat elk project "
                "bereikt, in cijfers, zonder namen."
            ),
        )
        orgs = [
            Organisation.objects.create(network=network, name=n, legal_status=s, town=t)
            for n, s, t in ORGANISATIONS
        ]
        projects = []
        for org_index, name, target, town, _share, require_2fa in PROJECTS:
            slug = name.lower().replace(" ", "").replace("'", "")[:20]
            projects.append(
                Project.objects.create(
                    organisation=orgs[org_index],
                    name=name,
                    target_group=target,
                    town=town,
                    description=f"Een buddyproject voor {target} in de regio {town}.",
                    contact_email=f"{slug}@{DEMO_DOMAIN}",
                    contact_phone=f"0{rng.randint(2, 9)} {rng.randint(200, 999)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                    require_coordinator_2fa=require_2fa,
                )
            )
        progress(f"network, {len(orgs)} organisations, {len(projects)} projects")

        # Demo logins, one per role.
        network_coord = _user(f"netwerk@{DEMO_DOMAIN}", "Lies", "Vermeulen")
        Membership.objects.create(
            user=network_coord, role=Role.NETWORK_COORDINATOR, network=network
        )
        coordinator = _user(f"coordinator@{DEMO_DOMAIN}", "Sarah", "De Smet")
        Membership.objects.create(
            user=coordinator, role=Role.PROJECT_COORDINATOR, project=projects[0]
        )
        referrer = _user(f"doorverwijzer@{DEMO_DOMAIN}", "Tom", "Peeters")
        for project in (projects[0], projects[3]):
            Membership.objects.create(user=referrer, role=Role.PROFESSIONAL, project=project)
        buddy_user = _user(f"buddy@{DEMO_DOMAIN}", "Jan", "Maes")
        Membership.objects.create(user=buddy_user, role=Role.BUDDY, project=projects[0])
        participant_user = _user(f"deelnemer@{DEMO_DOMAIN}", "Fatima", "El Amrani")
        Membership.objects.create(user=participant_user, role=Role.PARTICIPANT, project=projects[0])
        privacy_officer = _user(f"privacy@{DEMO_DOMAIN}", "Ann", "Claes")
        Membership.objects.create(
            user=privacy_officer, role=Role.PRIVACY_OFFICER, project=projects[0]
        )
        _user(f"admin@{DEMO_DOMAIN}", "Beheer", "buddynet", superuser=True)
        # Every other project has its own coordinator (with two-factor required).
        for index, project in enumerate(projects[1:], start=2):
            first, last, _gender = names.person(rng)
            other = _user(f"coordinator{index}@{DEMO_DOMAIN}", first, last)
            Membership.objects.create(user=other, role=Role.PROJECT_COORDINATOR, project=project)
        progress("demo logins")

        shares = [p[4] for p in PROJECTS]
        n_buddies = max(5, scale // 5)

        def buddies() -> Iterator[Buddy]:
            for i in range(n_buddies):
                project = (
                    projects[i % len(projects)]
                    if i < len(projects)
                    else rng.choices(projects, weights=shares)[0]
                )
                first, last, gender = names.person(rng)
                town = _nearby(project.town, rng)
                status = _weighted(rng, BUDDY_STATUSES)
                yield Buddy(
                    project=project,
                    first_name=first,
                    last_name=last,
                    email=f"{first}.{last}.{i}@example.be".lower().replace(" ", ""),
                    phone=names.phone(),
                    postcode=town.postcodes[0],
                    town=town.name_nl,
                    birth_year=today.year - rng.randint(19, 74),
                    gender=gender,
                    languages=_weighted(rng, LANGUAGE_POOLS),
                    interests=rng.sample(INTERESTS, k=rng.randint(1, 4)),
                    capacity=rng.choices([1, 2, 3], weights=[75, 20, 5])[0],
                    status=status,
                    status_changed_on=today - timedelta(days=rng.randint(0, 400)),
                )

        made = 0
        for batch in _batched(buddies(), BATCH):
            Buddy.objects.bulk_create(batch)
            made += len(batch)
            progress(f"buddies: {made}/{n_buddies}")

        referrer_projects = {projects[0].pk, projects[3].pk}

        def participants() -> Iterator[Participant]:
            for _i in range(scale):
                project = rng.choices(projects, weights=shares)[0]
                first, last, _gender = names.person(rng)
                town = _nearby(project.town, rng)
                status = _weighted(rng, PARTICIPANT_STATUSES)
                days_ago = rng.randint(3, 420)
                # A new referral waits weeks for its intake, not a year: those still
                # referred or in intake came in the last months (same draws, same people).
                if status == Participant.Status.REFERRED:
                    days_ago = 3 + days_ago % 42
                elif status == Participant.Status.INTAKE:
                    days_ago = 21 + days_ago % 70
                referred_on = today - timedelta(days=days_ago)
                waiting_since = None
                last_contact = None
                if status != Participant.Status.REFERRED and status != Participant.Status.INTAKE:
                    waiting_since = referred_on + timedelta(days=rng.randint(5, 30))
                    waiting_since = min(waiting_since, today)
                    # Most people were called recently; some slipped through.
                    since_contact = int(rng.expovariate(1 / 18))
                    last_contact = max(waiting_since, today - timedelta(days=since_contact))
                by_referrer = project.pk in referrer_projects and rng.random() < 0.3
                yield Participant(
                    project=project,
                    first_name=first,
                    last_name=last,
                    postcode=town.postcodes[0],
                    town=town.name_nl,
                    birth_year=today.year - rng.randint(16, 88),
                    household_size=rng.choices([1, 2, 3, 4, 5], weights=[55, 15, 12, 10, 8])[0],
                    languages=_weighted(rng, LANGUAGE_POOLS),
                    help_request=rng.choice(HELP_REQUESTS),
                    phase=rng.choice(Participant.Phase.values),
                    urgency=rng.choices(Participant.Urgency.values, weights=[20, 65, 15])[0],
                    status=status,
                    referred_by=referrer if by_referrer else None,
                    referred_on=referred_on,
                    waiting_since=waiting_since,
                    last_contact_on=last_contact,
                    health_notes=(
                        "Volgt een behandeling; afspraken liefst in de voormiddag."
                        if rng.random() < 0.15
                        else ""
                    ),
                )

        made = 0
        for batch in _batched(participants(), BATCH):
            Participant.objects.bulk_create(batch)
            made += len(batch)
            progress(f"participants: {made}/{scale}")

        # The demo buddy and participant logins are linked to a record of their own.
        demo_buddy = Buddy.objects.filter(project=projects[0]).order_by("pk").first()
        # Jan lives in Gent, like the people he walks with and is introduced to.
        Buddy.objects.filter(pk=demo_buddy.pk).update(
            user=buddy_user,
            first_name="Jan",
            last_name="Maes",
            email=buddy_user.email,
            postcode="9000",
            town="Gent",
            status=Buddy.Status.ACTIVE,
        )
        demo_participant = (
            Participant.objects.filter(project=projects[0], referred_by__isnull=True)
            .order_by("pk")
            .first()
        )
        Participant.objects.filter(pk=demo_participant.pk).update(
            user=participant_user,
            first_name="Fatima",
            last_name="El Amrani",
            status=Participant.Status.WAITING,
            waiting_since=today - timedelta(days=47),
            last_contact_on=today - timedelta(days=12),
        )
        _balance(projects, progress, accompanies_one=demo_buddy.pk)
        # Apps add their own demo data: buddynet.<app>.demo.seed_extra(...).
        for offset, (_app, module) in enumerate(feature_modules("demo"), start=1):
            module.seed_extra(
                projects=projects,
                users={
                    "coordinator": coordinator,
                    "referrer": referrer,
                    "buddy": buddy_user,
                    "participant": participant_user,
                },
                rng=random.Random(seed + offset),
                today=today,
                progress=progress,
            )
        for project in projects:
            AuditEntry.record(
                "demo.seeded", obj=project, via="system", data={"scale": scale, "seed": seed}
            )
    _fresh_statistics()
    return network


def _bulk_load_settings() -> None:
    """PostgreSQL's JIT (on by default) compiles the big bulk statements of a seed for
    longer than they run: one bulk update of 5,000 rows took 5.5 minutes with it. Off
    for the seed's own transaction only (``SET LOCAL``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _fresh_statistics() -> None:
    """After a bulk load: statistics, so the query planner knows the new sizes; on
    PostgreSQL also ``VACUUM`` (the bulk updates leave a dead row behind for each row
    they change, and index-only scans need the visibility map it sets). ``VACUUM``
    cannot run inside a transaction: inside one (a test), ``ANALYZE`` only."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
