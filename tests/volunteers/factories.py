"""Factories for recruitment: vacancies, terms, training."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from buddynet.volunteers.models import (
    TrainingModule,
    TrainingSession,
    Vacancy,
    VolunteerTerms,
)
from tests.factories import ProjectFactory


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Buddy voor een eenzame oudere {n}")
    task_description = "Je bezoekt wekelijks iemand die weinig buiten komt."
    competences = "Een luisterend oor."
    minimum_requirements = "Minstens 18 jaar."
    frequency = "Wekelijks, 2 uur"
    duration = "Minstens een jaar"
    training_required = "Drie basismodules."
    is_published = True


class VolunteerTermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerTerms

    project = factory.SubFactory(ProjectFactory)
    purpose = "Niemand staat er alleen voor."
    insurer = "Ethias"
    policy_number = "45.123456"
    insurance_cover = "Burgerlijke aansprakelijkheid en lichamelijke ongevallen."
    expense_system = "flat"
    expense_details = "Per kwartaal."
    discretion = "Wat je hoort, blijft bij jou."
    nature_of_work = "Wekelijks, een jaar lang."
    contact_person = "Sarah De Smet"
    contact_details = "0470 00 00 00"


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Grenzen bewaken {n}")
    hours = 2
    required_before_matching = True


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    module = factory.SubFactory(TrainingModuleFactory)
    project = factory.LazyAttribute(lambda o: o.module.project)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    location = "Lokaal 1"
