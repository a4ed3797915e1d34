"""The demo network asks one project's own "Zelfredzaamheid" questionnaire."""

from __future__ import annotations

from datetime import date

from django_scopes import scopes_disabled

from buddynet.impact.models import ImpactPlan, OwnAnswer, OwnQuestionnaire
from buddynet.site import demo


def test_one_demo_project_has_its_own_self_reliance_questionnaire(db):
    demo.seed_demo(scale=250, today=date(2026, 11, 27))
    with scopes_disabled():
        (questionnaire,) = OwnQuestionnaire.objects.all()
        assert questionnaire.name == "Zelfredzaamheid"
        kinds = list(questionnaire.questions.values_list("kind", flat=True))
        assert kinds == ["scale"] * 4
        plan = ImpactPlan.objects.get(project=questionnaire.project)
        assert plan.own_questionnaires == [questionnaire.pk]
        answers = OwnAnswer.objects.filter(question__questionnaire=questionnaire)
        assert answers.count() >= 8
        assert set(answers.values_list("value", flat=True)) <= {1, 2, 3, 4, 5}
