"""On a boundary signal's page: "declare this incident to the insurer", or the incident
already declared for it (registered in followup's ``signal_actions``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from buddynet.followup import signal_actions
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access

from .models import Incident


@signal_actions.register
def declare_to_the_insurer(*, signal, request, project) -> signal_actions.SignalAction | None:
    if not get_access(request).has(policy.EXPENSES_MANAGE, project):
        return None
    incident = Incident.objects.filter(project=project, signal_code=signal.code).first()
    if incident is not None:
        return signal_actions.SignalAction(
            _("Declared to the insurer: see the incident"),
            reverse("expenses_incident", kwargs={"project": project.code, "code": incident.code}),
        )
    url = reverse("expenses_incident_add", kwargs={"project": project.code})
    return signal_actions.SignalAction(
        _("Declare to the insurer"), f"{url}?{urlencode({'signal': signal.code})}"
    )
