"""URLs of the expenses app: project pages under /p/<project>/expenses/ and
/p/<project>/insurance/;
the platform staff's rates pages at the root."""

from buddynet.core.routes import routes

from . import views

project_urlpatterns = routes(
    ("expenses/", views.MyExpensesView, "expenses_mine"),
    ("expenses/claims/new/", views.ClaimCreateView, "expenses_claim_new"),
    ("expenses/claims/<uuid:code>/repeat/", views.ClaimRepeatView, "expenses_claim_repeat"),
    ("expenses/claims/<uuid:code>/receipt/", views.ReceiptView, "expenses_receipt"),
    ("expenses/claims/<uuid:code>/correct/", views.ClaimCorrectView, "expenses_claim_correct"),
    ("expenses/account/", views.AccountView, "expenses_account"),
    ("expenses/statement/<int:year>.pdf", views.StatementView, "expenses_statement"),
    ("expenses/review/", views.ReviewView, "expenses_review"),
    ("expenses/buddies/<uuid:code>/", views.BuddyYearView, "expenses_buddy"),
    ("expenses/buddies/<uuid:code>/system/", views.SystemView, "expenses_system"),
    ("expenses/buddies/<uuid:code>/elsewhere/", views.OtherAllowanceView, "expenses_elsewhere"),
    ("expenses/payments/", views.BatchListView, "expenses_batches"),
    (
        "expenses/payments/<uuid:code>/payment.<slug:kind>",
        views.BatchFileView,
        "expenses_batch_file",
    ),
    ("expenses/payments/account/", views.PayerView, "expenses_payer"),
    ("expenses/named-list/", views.NamedListView, "expenses_named_list"),
    (
        "expenses/named-list/<int:year>.<slug:kind>",
        views.NamedListFileView,
        "expenses_named_list_file",
    ),
    ("expenses/rates/", views.RatesView, "expenses_rates"),
    ("expenses/totals/", views.TotalsView, "expenses_totals"),
    ("insurance/", views.InsuranceView, "expenses_insurance"),
    ("insurance/policies/new/", views.PolicyAddView, "expenses_policy_add"),
    ("insurance/incidents/new/", views.IncidentAddView, "expenses_incident_add"),
    ("insurance/incidents/<uuid:code>/", views.IncidentView, "expenses_incident"),
)

# The figures of the law are national: platform staff add them outside any project.
urlpatterns = routes(
    ("expenses/rates/", views.PlatformRatesView, "expenses_platform_rates"),
    ("expenses/rates/year/", views.CeilingAddView, "expenses_ceiling_add"),
    ("expenses/rates/km/", views.KmRateAddView, "expenses_km_rate_add"),
)
