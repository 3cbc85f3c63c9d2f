"""The targets a parse-eval row may name, and a planner for each.

Each target gives the model's labels and kind, the data's id range (None: no data) and, for a
table model, its features in the table's order. Rows of every set name one of these, so the
planner is given what the app would know of that model (labels, kind, ids, features), and
`schema_of` gives a table model's features as the tools' own schema, against which table calls
are compared (compare.py) and the fresh table questions checked (fresh/checks.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from saywhy.tools.tabular.schema import Schema

LABELS = ["negative", "positive"]
N_ITEMS = 12808
# The targets a row may name: the model's labels and kind, the data's id range (None: no data).
TARGETS: dict[str, dict[str, Any]] = {
    "demo": {"labels": LABELS, "kind": "classifier", "ids": (0, N_ITEMS - 1)},
    "topic": {"labels": ["billing", "technical issue", "account access"], "kind": "classifier",
              "ids": (1001, 1400)},
    "lm": {"labels": [], "kind": "causal_lm", "ids": None},
    # the older sets' causal-LM rows: the demo LM with the demo corpus loaded
    "demo-lm": {"labels": LABELS, "kind": "causal_lm", "ids": (0, N_ITEMS - 1)},
    # table models: features as (name, kind, low, high, integer, values), in the table's order
    "table": {"labels": ["no diabetes", "diabetes"], "kind": "tabular", "ids": (0, 767),
              "noun": "patient", "features": [
                  ("Pregnancies", "numeric", 0, 17, True, ()),
                  ("Glucose", "numeric", 0, 199, True, ()),
                  ("BloodPressure", "numeric", 0, 122, True, ()),
                  ("SkinThickness", "numeric", 0, 99, True, ()),
                  ("Insulin", "numeric", 0, 846, True, ()),
                  ("BMI", "numeric", 0, 67.1, False, ()),
                  ("DiabetesPedigreeFunction", "numeric", 0.078, 2.42, False, ()),
                  ("Age", "numeric", 21, 81, True, ())]},
    "loans": {"labels": ["rejected", "approved"], "kind": "tabular", "ids": (1000, 1999),
              "noun": "applicant", "features": [
                  ("age", "numeric", 18, 80, True, ()),
                  ("income", "numeric", 0, 250000, True, ()),
                  ("loan_amount", "numeric", 500, 100000, True, ()),
                  ("credit_score", "numeric", 300, 850, True, ()),
                  ("employment_type", "categorical", None, None, False,
                   ("salaried", "self-employed", "unemployed")),
                  ("has_guarantor", "boolean", None, None, False, (0, 1)),
                  ("number_of_dependents", "numeric", 0, 6, True, ()),
                  ("gender", "categorical", None, None, False, ("Female", "Male"))]},
    "churn": {"labels": ["retained", "churned"], "kind": "tabular", "ids": (1, 7043),
              "noun": "customer", "features": [
                  ("tenure_months", "numeric", 0, 72, True, ()),
                  ("monthly_charges", "numeric", 18.25, 118.75, False, ()),
                  ("contract", "categorical", None, None, False,
                   ("month-to-month", "one year", "two year")),
                  ("internet_service", "categorical", None, None, False,
                   ("DSL", "fiber optic", "none")),
                  ("senior_citizen", "boolean", None, None, False, (0, 1)),
                  ("support_calls", "numeric", 0, 10, True, ()),
                  ("payment_method", "categorical", None, None, False,
                   ("credit card", "bank transfer", "electronic check", "mailed check"))]},
    "credit": {"labels": ["bad risk", "good risk"], "kind": "tabular", "ids": (0, 999),
               "noun": "applicant", "features": [
                   ("checking_account", "categorical", None, None, False,
                    ("negative", "0 to 200", "over 200", "none")),
                   ("duration_months", "numeric", 4, 72, True, ()),
                   ("credit_history", "categorical", None, None, False,
                    ("critical", "delayed", "paid duly", "all paid", "no credits")),
                   ("purpose", "categorical", None, None, False,
                    ("car new", "car used", "furniture", "radio tv", "education", "business",
                     "repairs")),
                   ("credit_amount", "numeric", 250, 18424, True, ()),
                   ("savings", "categorical", None, None, False,
                    ("little", "moderate", "rich", "unknown")),
                   ("employment_years", "numeric", 0, 40, True, ()),
                   ("housing", "categorical", None, None, False, ("own", "rent", "free")),
                   ("age", "numeric", 19, 75, True, ()),
                   ("foreign_worker", "boolean", None, None, False, (0, 1)),
                   ("sex", "categorical", None, None, False, ("female", "male"))]},
    "recid": {"labels": ["low risk", "high risk"], "kind": "tabular", "ids": (1, 7214),
              "noun": "defendant", "features": [
                  ("age", "numeric", 18, 96, True, ()),
                  ("priors_count", "numeric", 0, 38, True, ()),
                  ("juvenile_felonies", "numeric", 0, 20, True, ()),
                  ("charge_degree", "categorical", None, None, False, ("felony", "misdemeanor")),
                  ("race", "categorical", None, None, False,
                   ("African-American", "Caucasian", "Hispanic", "Asian", "Other")),
                  ("sex", "categorical", None, None, False, ("Female", "Male")),
                  ("days_in_jail", "numeric", 0, 800, True, ())]},
    # a car insurer's claim classifier on a binarised table (one-hot vehicle type and region)
    "insure": {"labels": ["no claim", "claim"], "kind": "tabular", "ids": (1, 5000),
               "noun": "policyholder", "features": [
                   ("Age", "numeric", 18, 90, True, ()),
                   ("PriorClaims", "numeric", 0, 9, True, ()),
                   ("AnnualPremium", "numeric", 200, 5000, False, ()),
                   ("DrivingYearsLessThan2", "boolean", None, None, False, (0, 1)),
                   ("AnnualMileage_geq_15000", "boolean", None, None, False, (0, 1)),
                   ("VehicleAgeGreaterOrEqualThan10", "boolean", None, None, False, (0, 1)),
                   ("CreditScoreBelow600", "boolean", None, None, False, (0, 1)),
                   ("vehicletypeSedan", "boolean", None, None, False, (0, 1)),
                   ("vehicletypeSUV", "boolean", None, None, False, (0, 1)),
                   ("vehicletypeTruck", "boolean", None, None, False, (0, 1)),
                   ("vehicletypeSportsCar", "boolean", None, None, False, (0, 1)),
                   ("regionUrban", "boolean", None, None, False, (0, 1)),
                   ("regionSuburban", "boolean", None, None, False, (0, 1)),
                   ("regionRural", "boolean", None, None, False, (0, 1)),
                   ("HasGarage", "boolean", None, None, False, (0, 1)),
                   ("Married", "boolean", None, None, False, (0, 1))]},
    # a heart-disease classifier on a clinic's table, with the terse column names such tables have
    "heart": {"labels": ["no heart disease", "heart disease"], "kind": "tabular", "ids": (0, 917),
              "noun": "patient", "features": [
                  ("Age", "numeric", 28, 77, True, ()),
                  ("Sex", "categorical", None, None, False, ("F", "M")),
                  ("ChestPainType", "categorical", None, None, False, ("ATA", "NAP", "ASY", "TA")),
                  ("RestingBP", "numeric", 0, 200, True, ()),
                  ("Cholesterol", "numeric", 0, 603, True, ()),
                  ("FastingBS", "boolean", None, None, False, (0, 1)),
                  ("MaxHR", "numeric", 60, 202, True, ()),
                  ("ExerciseAngina", "categorical", None, None, False, ("N", "Y")),
                  ("Oldpeak", "numeric", -2.6, 6.2, False, ()),
                  ("ST_Slope", "categorical", None, None, False, ("Up", "Flat", "Down"))]},
    # an HR attrition classifier on a table with a company's column names and codes
    "attrition": {"labels": ["stays", "leaves"], "kind": "tabular", "ids": (1, 1470),
                  "noun": "employee", "features": [
                      ("Age", "numeric", 18, 60, True, ()),
                      ("MonthlyIncome", "numeric", 1009, 19999, True, ()),
                      ("OverTime", "categorical", None, None, False, ("No", "Yes")),
                      ("JobSatisfaction", "numeric", 1, 4, True, ()),
                      ("YearsAtCompany", "numeric", 0, 40, True, ()),
                      ("DistanceFromHome", "numeric", 1, 29, True, ()),
                      ("Department", "categorical", None, None, False,
                       ("Sales", "Research & Development", "Human Resources")),
                      ("MaritalStatus", "categorical", None, None, False,
                       ("Single", "Married", "Divorced")),
                      ("BusinessTravel", "categorical", None, None, False,
                       ("Non-Travel", "Travel_Rarely", "Travel_Frequently"))]},
    # a hospital readmission classifier on a table as hospital systems export it
    "readmit": {"labels": ["not readmitted", "readmitted"], "kind": "tabular", "ids": (1, 20000),
                "noun": "patient", "features": [
                    ("age", "numeric", 18, 95, True, ()),
                    ("gender", "categorical", None, None, False, ("Female", "Male")),
                    ("time_in_hospital", "numeric", 1, 14, True, ()),
                    ("num_medications", "numeric", 1, 81, True, ()),
                    ("num_lab_procedures", "numeric", 1, 132, True, ()),
                    ("number_inpatient", "numeric", 0, 21, True, ()),
                    ("A1Cresult", "categorical", None, None, False, ("None", "Norm", ">7", ">8")),
                    ("insulin", "categorical", None, None, False, ("No", "Steady", "Up", "Down")),
                    ("diabetesMed", "categorical", None, None, False, ("No", "Yes")),
                    ("admission_type", "categorical", None, None, False,
                     ("Emergency", "Urgent", "Elective"))]},
}


def schema_of(target: str) -> Schema | None:
    """The target's feature schema (tools/tabular/schema.py), or None for a text model."""
    from saywhy.tools.tabular.schema import Feature, Schema

    spec = TARGETS.get(target, {})
    if not spec.get("features"):
        return None
    return Schema([Feature(name, kind, low=low, high=high, integer=integer, values=values)
                   for name, kind, low, high, integer, values in spec["features"]])


def target_of(row: dict[str, Any]) -> str:
    """The row's target: named by the fresh sets, or by `kind` in the older ones."""
    if row.get("target"):
        return str(row["target"])
    return "demo-lm" if row.get("kind") == "causal_lm" else "demo"


def make_planner(name: str, target: str) -> Any:
    """Any object with `.plan(text, state)`: the offline planner, or the LLM one when configured."""
    spec = TARGETS[target]
    kind, labels, ids = spec["kind"], spec["labels"], spec["ids"]
    n_items = ids[1] - ids[0] + 1 if ids else 0
    if name == "offline":
        from saywhy.agent.planner.offline import OfflinePlanner
        from saywhy.agent.planner.slots.feature_names import FeatureInfo

        features = [FeatureInfo(f[0], f[1], tuple(str(v) for v in f[5]), f[2], f[3])
                    for f in spec.get("features", [])]
        return OfflinePlanner(labels=labels, kind=kind, n_items=n_items or None, id_range=ids,
                              has_data=ids is not None, item_noun=spec.get("noun"),
                              features=features)
    if name == "llm":
        from saywhy.agent.llm import client_from_settings
        from saywhy.agent.planner.llm import LLMPlanner
        from saywhy.agent.settings import Settings

        settings = Settings()
        client = client_from_settings(settings)
        if client is None:
            raise SystemExit(
                "The llm planner needs SAYWHY_LLM (e.g. openai:gpt-4o-mini); none is set."
            )
        return LLMPlanner(
            client,
            labels=labels,
            kind=kind,
            n_items=n_items,
            fallback=None,
            model_name=settings.model,
        )
    raise SystemExit(f"unknown planner {name!r}; use offline or llm")
