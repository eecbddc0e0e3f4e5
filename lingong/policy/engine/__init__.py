"""The policy engine: a pure library (numpy for batch), no Django.

Public API (stable; additions only):

- :func:`load_parameters` → :class:`ParameterStore`: the YAML parameters shipped in
  ``parameters/<jurisdiction>/*.yaml`` plus dated values the caller adds (staff changes stored in the
  database). A change is a new dated value, never an overwrite.
- :func:`policies_for` (region code, date) → the :class:`PolicyInfo` of every policy in force there.
- :func:`evaluate` (one person) → a :class:`Decision` per policy: eligible, amount in fen, months,
  the cited conditions that held and those that failed, and the date from which the person becomes
  eligible when only time is missing. ``published_by`` replays the rules as they stood on a date.
- :func:`evaluate_batch` (a registry as :class:`Columns` or persons) → :class:`BatchResult`: per policy
  numpy arrays (eligible, amount in fen, months, applies, eligible_from).
- :func:`run_yaml_tests` (paths) → one :class:`YamlTestResult` per YAML case (OpenFisca test format).
- :data:`FACTS`: every fact of :class:`Person` with its Chinese label, for building the form;
  :func:`person_from_dict` / :func:`ledger_from_dicts` read JSON-like input (ISO dates);
  :func:`jsonable` turns parameter values (fractions, dates, tuples) into JSON values.

Errors are :class:`PolicyEngineError` (``code``, Chinese ``message``); map them to ``DomainError``.
Region codes are 6-digit division codes (210000 Liaoning, 210100 Shenyang, 210102 Heping; 630000
Qinghai; 450000 Guangxi); money is integer fen.
"""

from __future__ import annotations

from .columns import GROUP_BITS, SCHEMA, Columns, columns_from_persons, ledger_summary, person_row
from .dates import (
    add_months,
    add_working_days,
    age_years,
    below_retirement_age,
    full_months_between,
    retirement_age_months,
    retirement_month,
    within_years_after,
)
from .errors import PolicyEngineError
from .evaluate import evaluate, evaluate_batch, policies_for
from .identity import facts_from_id_number
from .parameters import ParameterStore, jurisdiction_chain, load_parameters
from .types import (
    AMOUNT_UNITS,
    BENEFITS,
    BUSINESS_KINDS,
    FACTS,
    GROUPS,
    NATIONAL,
    RETIREMENT_CATEGORIES,
    TEN_LOAN_GROUPS,
    BatchResult,
    Condition,
    Decision,
    FactInfo,
    LedgerEntry,
    ParameterInfo,
    ParameterValue,
    Person,
    PolicyInfo,
    YamlTestResult,
    jsonable,
)
from .yamltests import default_yaml_paths, ledger_from_dicts, person_from_dict, run_yaml_tests

__all__ = [
    "AMOUNT_UNITS",
    "BENEFITS",
    "BUSINESS_KINDS",
    "FACTS",
    "GROUPS",
    "GROUP_BITS",
    "NATIONAL",
    "RETIREMENT_CATEGORIES",
    "SCHEMA",
    "TEN_LOAN_GROUPS",
    "BatchResult",
    "Columns",
    "Condition",
    "Decision",
    "FactInfo",
    "LedgerEntry",
    "ParameterInfo",
    "ParameterStore",
    "ParameterValue",
    "Person",
    "PolicyEngineError",
    "PolicyInfo",
    "YamlTestResult",
    "add_months",
    "add_working_days",
    "age_years",
    "below_retirement_age",
    "columns_from_persons",
    "default_yaml_paths",
    "evaluate",
    "evaluate_batch",
    "facts_from_id_number",
    "full_months_between",
    "jsonable",
    "jurisdiction_chain",
    "ledger_from_dicts",
    "ledger_summary",
    "load_parameters",
    "person_from_dict",
    "person_row",
    "policies_for",
    "retirement_age_months",
    "retirement_month",
    "run_yaml_tests",
    "within_years_after",
]
