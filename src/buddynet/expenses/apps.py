from django.utils.translation import gettext_lazy as _

from buddynet.core.apps import FeatureAppConfig


class ExpensesConfig(FeatureAppConfig):
    name = "buddynet.expenses"
    label = "expenses"
    verbose_name = _("Expenses and insurance")
    registers = ("signal_links",)
