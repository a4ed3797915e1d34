"""Demo data for referral, intake, consent and the waiting list (called by seed-demo)."""

from __future__ import annotations

from datetime import timedelta

from buddynet.core.bulk import bulk_update_rows

from . import consent
from .models import ConsentRecord, ContactMoment, HouseholdMember, Offer, Participant

BATCH = 5000
WITHDRAWAL_WEIGHTS = [
    (Participant.WithdrawalReason.OTHER_HELP, 30),
    (Participant.WithdrawalReason.NOT_NEEDED, 25),
    (Participant.WithdrawalReason.MOVED, 15),
    (Participant.WithdrawalReason.UNREACHABLE, 20),
    (Participant.WithdrawalReason.OTHER, 10),
]
CHILD_NAMES = ["Lina", "Noah", "Amir", "Emma", "Yasmine", "Louis", "Mila", "Adam", "Sara"]
OFFERS = [
    (Offer.Kind.GROUP, "Wekelijkse koffieochtend in het buurthuis"),
    (Offer.Kind.GROUP, "Wandelgroep op zaterdag"),
    (Offer.Kind.SERVICE, "Doorverwezen naar de sociale kruidenier"),
    (Offer.Kind.INFORMATION, "Informatie over de vrijetijdspas van de stad"),
]


# Help requests that fit the person: a family asks as a family, a teenager does not
# speak of a late partner, an older person does not ask about school.
HELP_FAMILY = [
    "We zijn nieuw in België en zoeken hulp met de school en de buurt.",
    "Mijn kinderen en ik willen meer contact met mensen in de buurt.",
    "Ons gezin zoekt iemand die ons helpt de weg te vinden naar vrije tijd voor de kinderen.",
]
HELP_YOUNG = [
    "Ik wil mijn weg vinden in de stad: vrije tijd, sport, mensen leren kennen.",
    "Ik wil leren de bus en de trein te nemen om zelf naar school of mijn werk te gaan.",
    "Ik wil graag iemand om mee te praten en af en toe samen iets te doen.",
]
HELP_ADULT = [
    "Ik zoek iemand die mee gaat naar afspraken en helpt met papieren.",
    "Ik sta op de wachtlijst voor begeleiding en wil intussen niet alleen staan.",
    "Ik wil graag iemand om mee te praten en af en toe samen iets te doen.",
    "Ik wil leren de bus en de trein te nemen om zelf naar mijn werk te gaan.",
]
HELP_OLDER = [
    "Sinds mijn partner overleden is kom ik weinig buiten.",
    "Ik wil graag iemand om mee te praten en af en toe samen iets te doen.",
    "Ik zoek iemand die mee gaat naar afspraken en helpt met papieren.",
]
YOUNG_UNTIL, OLDER_FROM = 25, 65


def help_request_for(*, age: int | None, household_size: int, pick: int) -> str:
    """A help request that fits the person's age and household (``pick`` chooses among
    the fitting ones; the seed's random stream is left as it was)."""
    if age is not None and age < YOUNG_UNTIL:
        pool = HELP_YOUNG
    elif household_size > 1:
        pool = HELP_FAMILY
    elif age is not None and age >= OLDER_FROM:
        pool = HELP_OLDER
    else:
        pool = HELP_ADULT
    return pool[pick % len(pool)]


def _pick(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def seed_extra(*, projects, users, rng, today, progress) -> None:
    interval = {p.pk: p.keep_warm_interval_days for p in projects}
    consents: list[ConsentRecord] = []
    contacts: list[ContactMoment] = []
    household: list[HouseholdMember] = []
    offers: list[Offer] = []
    updates: list[Participant] = []
    fields = {
        "matched_on",
        "closed_on",
        "withdrawal_reason",
        "next_contact_due",
        "intake_on",
        "source",
        "waiting_reason",
        "referrer_role",
        "expectations",
        "buddy_will_not",
        "help_request",
    }

    people = Participant.objects.filter(project__in=projects).order_by("pk")
    for participant in people.iterator(chunk_size=BATCH):
        status = participant.status
        age = today.year - participant.birth_year if participant.birth_year else None
        participant.help_request = help_request_for(
            age=age, household_size=participant.household_size, pick=participant.pk
        )
        if participant.referred_by_id is None:
            participant.source = rng.choice(
                [Participant.Source.SELF, Participant.Source.COORDINATOR]
            )
        else:
            participant.referrer_role = rng.choice(Participant.ReferrerRole.values)
        past_intake = status in ("waiting", "matched", "closed")
        if past_intake and participant.waiting_since:
            participant.intake_on = participant.waiting_since - timedelta(days=rng.randint(0, 7))
            participant.expectations = "Samen iets gaan doen, iemand om op terug te vallen."
            participant.buddy_will_not = "Geen geld lenen, geen administratie in mijn plaats."
            for purpose in (consent.SUPPORT, consent.KEEP_IN_TOUCH):
                consents.append(_consent(participant, purpose))
            if participant.referred_by_id and rng.random() < 0.8:
                consents.append(_consent(participant, consent.SHARE_WITH_REFERRER))
            if participant.health_notes:
                consents.append(_consent(participant, consent.SPECIAL_CATEGORY))
        if status == "waiting":
            participant.waiting_reason = _pick(
                rng,
                [
                    (Participant.WaitingReason.NO_BUDDY, 80),
                    (Participant.WaitingReason.PARTICIPANT, 12),
                    (Participant.WaitingReason.PAUSED, 8),
                ],
            )
            if participant.user_id is not None:
                # The demo participant's login waits for a buddy (the matching demo
                # introduces them to one); paused, at some scales, it broke the seed.
                participant.waiting_reason = Participant.WaitingReason.NO_BUDDY
            last = participant.last_contact_on or participant.waiting_since
            participant.next_contact_due = last + timedelta(days=interval[participant.project_id])
            if (
                participant.last_contact_on
                and participant.last_contact_on > participant.waiting_since
            ):
                contacts.append(
                    ContactMoment(
                        project_id=participant.project_id,
                        participant=participant,
                        contacted_on=participant.last_contact_on,
                        kind=ContactMoment.Kind.PHONE,
                        outcome=ContactMoment.Outcome.REACHED,
                        note="Even gebeld; wacht nog graag op een buddy.",
                    )
                )
            if rng.random() < 0.15:
                kind, text = rng.choice(OFFERS)
                offers.append(
                    Offer(
                        participant=participant,
                        kind=kind,
                        description=text,
                        offered_on=min(today, participant.waiting_since + timedelta(days=14)),
                        accepted=rng.choice([True, False, None]),
                    )
                )
        elif status == "matched" and participant.waiting_since:
            matched = participant.waiting_since + timedelta(days=rng.randint(20, 240))
            if matched > today:
                matched = today - timedelta(days=rng.randint(0, 150))
            participant.matched_on = max(participant.waiting_since, matched)
        elif status == "closed":
            start = participant.waiting_since or participant.referred_on
            closed = start + timedelta(days=rng.randint(10, 200))
            if closed > today:
                closed = today - timedelta(days=rng.randint(0, 150))
            participant.closed_on = max(start, closed)
            participant.withdrawal_reason = _pick(rng, WITHDRAWAL_WEIGHTS)
        if participant.household_size > 1 and past_intake and rng.random() < 0.5:
            young = age is not None and age < YOUNG_UNTIL
            for i in range(min(participant.household_size - 1, 3)):
                # A young person lives with a parent; an adult with their children.
                household.append(
                    HouseholdMember(
                        project_id=participant.project_id,
                        participant=participant,
                        first_name=CHILD_NAMES[(participant.pk + i) % len(CHILD_NAMES)],
                        relation=HouseholdMember.Relation.PARENT
                        if young and i == 0
                        else HouseholdMember.Relation.OTHER
                        if young
                        else HouseholdMember.Relation.CHILD,
                        birth_year=today.year - rng.randint(38, 60)
                        if young and i == 0
                        else today.year - rng.randint(2, 16),
                    )
                )
        updates.append(participant)
        if len(updates) >= BATCH:
            _flush(updates, fields, consents, contacts, household, offers)
    _flush(updates, fields, consents, contacts, household, offers)
    progress("intake, consent and waiting list")


def _consent(participant, purpose) -> ConsentRecord:
    return ConsentRecord(
        participant=participant,
        purpose=purpose,
        given=True,
        note="intake",
    )


def _flush(updates, fields, consents, contacts, household, offers) -> None:
    bulk_update_rows(updates, sorted(fields))
    for model, rows in (
        (ConsentRecord, consents),
        (ContactMoment, contacts),
        (HouseholdMember, household),
        (Offer, offers),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH)
        rows.clear()
    updates.clear()
