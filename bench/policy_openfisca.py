"""The Liaoning social-insurance subsidy (辽人社〔2022〕22号 十一) and the Qinghai one-off startup subsidy
(青政办〔2021〕1号 5) written a second time for openfisca-core, for ``bench/policy.py``.

Run ONLY by the separate benchmark virtualenv (``var/bench-openfisca/``): openfisca-core is AGPL and never
a dependency of the platform. Usage (the benchmark does this)::

    var/bench-openfisca/bin/python bench/policy_openfisca.py INPUT.npz PARAMS.json OUTPUT.npz

It reads the persons' columns and the resolved parameter figures, builds a TaxBenefitSystem whose
parameters are OpenFisca parameter nodes, computes the outputs for the month, and writes the answers and
the time taken (``seconds_inputs``, ``seconds_calculate``) to OUTPUT.npz.

The date arithmetic here uses numpy datetime64 on purpose (the engine uses integer civil-date
arithmetic), so an agreement between the two is also a check of the dates.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import ETERNITY, MONTH
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

MISSING = -(10**8)
Person = build_entity(key="person", plural="persons", label="人员", is_person=True)

INPUTS = {
    "region": int,
    "birth_day": int,
    "retirement_category": int,
    "groups": int,
    "graduation_day": int,
    "fe_registered_day": int,
    "fe_region": int,
    "si_contribution_fen": int,
    "led_si_months": int,
    "led_si_first_day": int,
    "business_kind": int,
    "business_day": int,
    "business_region": int,
    "business_ok": bool,
    "business_family_subsidised": bool,
    "led_startup_subsidy": int,
    "household_region": int,
    "residence_region": int,
}


def _input_variable(name: str, kind: type) -> type[Variable]:
    return type(
        name,
        (Variable,),
        {"value_type": kind, "entity": Person, "definition_period": ETERNITY, "label": name},
    )


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.where(days <= MISSING, 0, days).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    y = m.astype("datetime64[Y]")
    return (
        y.astype(np.int64) + 1970,
        (m - y.astype("datetime64[M]")).astype(np.int64) + 1,
        (d - m.astype("datetime64[D]")).astype(np.int64) + 1,
    )


def _add_years(days: np.ndarray, years: int) -> np.ndarray:
    y, m, d = _ymd(days)
    first = ((y + years - 1970) * 12 + m - 1).astype("datetime64[M]")
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    out = first.astype("datetime64[D]").astype(np.int64) + np.minimum(d, length) - 1
    return np.where(days <= MISSING, MISSING, out)


def _month_index(days: np.ndarray) -> np.ndarray:
    y, m, _ = _ymd(days)
    return y * 12 + m - 1


def _retirement(cat: np.ndarray, birth_idx: np.ndarray, reform: np.ndarray, p) -> np.ndarray:
    out = np.full(cat.shape, 10**7, dtype=np.int64)
    for code, name in ((1, "male_60"), (2, "female_cadre_55"), (3, "female_worker_50")):
        rule = p.retirement[name]
        sel = cat == code
        base = birth_idx + rule.base_months
        start = rule.first_birth_year * 12 + rule.first_birth_month - 1
        extra = np.where(
            birth_idx >= start,
            np.minimum((birth_idx - start) // rule.birth_months_per_step + 1, rule.cap_months),
            0,
        )
        out = np.where(sel, np.where(reform, base + extra, base), out)
    return out


def build_system(params: dict) -> TaxBenefitSystem:
    system = TaxBenefitSystem([Person])
    for name, kind in INPUTS.items():
        system.add_variable(_input_variable(name, kind))
    start = params["start"]
    system.parameters = ParameterNode("", data=params["openfisca_parameters"])
    today = params["today"]
    bits = params["group_bits"]

    def variable(name: str, kind: type, label: str, formula=None) -> type[Variable]:
        attrs = {"value_type": kind, "entity": Person, "definition_period": MONTH, "label": label}
        if formula is not None:
            attrs["formula"] = formula
        return type(name, (Variable,), attrs)

    def si_target(person, period, parameters):
        p = parameters(period).liaoning.social_insurance_subsidy
        g = person("groups", period).astype(np.int64)
        first = person("led_si_first_day", period).astype(np.int64)
        ref_day = np.where(first > MISSING, first, today)
        grad_day = person("graduation_day", period).astype(np.int64)
        is_grad = (
            ((g & bits["recent_graduate"]) != 0)
            & (grad_day > MISSING)
            & (grad_day <= ref_day)
            & (ref_day < _add_years(grad_day, int(p.graduate_window_years)))
        )
        # 1: employment difficulty, 2: recent graduate (both: 3)
        return ((g & bits["employment_difficulty"]) != 0) * 1 + is_grad * 2

    def si_retirement_now(person, period, parameters):
        r = parameters(period)
        cat = person("retirement_category", period)
        birth_idx = _month_index(person("birth_day", period).astype(np.int64))
        return _retirement(cat, birth_idx, np.full(cat.shape, today >= int(r.retirement.reform_from_day)), r)

    def si_remaining(person, period, parameters):
        p = parameters(period).liaoning.social_insurance_subsidy
        r = parameters(period)
        target = person("liaoning_si_target", period)
        is_diff, is_grad = (target & 1) != 0, (target & 2) != 0
        cat = person("retirement_category", period)
        birth_idx = _month_index(person("birth_day", period).astype(np.int64))
        first = person("led_si_first_day", period).astype(np.int64)
        ref_day = np.where(first > MISSING, first, today)
        now_idx = start["month_index"]
        r_now = person("liaoning_si_retirement_now", period).astype(np.int64)
        used = person("led_si_months", period).astype(np.int64)
        to_retire = np.maximum(r_now - now_idx, 0)
        first_idx = np.where(first > MISSING, _month_index(first), now_idx)
        r_first = _retirement(cat, birth_idx, ref_day >= int(r.retirement.reform_from_day), r)
        close = (r_first - first_idx) < 12 * int(p.retirement_extension_years)
        diff_cap = np.where(close, np.maximum(r_now - first_idx, 0), int(p.difficulty_max_months))
        grad_cap = int(p.graduate_max_months) + min(
            int(p.graduate_extension_months), int(p.graduate_extension_cap)
        )
        remaining = np.zeros(cat.shape, dtype=np.int64)
        remaining = np.where(is_diff, np.maximum(remaining, diff_cap - used), remaining)
        remaining = np.where(is_grad, np.maximum(remaining, grad_cap - used), remaining)
        return np.clip(np.minimum(remaining, to_retire), 0, None)

    def si_eligible(person, period, parameters):
        target = person("liaoning_si_target", period) > 0
        fe = person("fe_registered_day", period).astype(np.int64)
        registered = (fe > MISSING) & (fe <= today) & (person("fe_region", period) // 10000 == 21)
        paid = person("si_contribution_fen", period)
        birth = person("birth_day", period)
        below = (
            (birth > MISSING)
            & (person("retirement_category", period) > 0)
            & (start["month_index"] < person("liaoning_si_retirement_now", period))
        )
        remaining = person("liaoning_si_remaining", period)
        months_ok = (remaining > 0) | ~target | ~below
        applies = person("region", period) // 10000 == 21
        return applies & target & registered & (paid > 0) & below & months_ok

    def si_amount(person, period, parameters):
        p = parameters(period).liaoning.social_insurance_subsidy
        paid = person("si_contribution_fen", period).astype(np.int64)
        amount = paid * int(p.share_numerator) // int(p.share_denominator)
        return np.where(person("liaoning_si_eligible", period), amount, 0)

    def si_months(person, period, parameters):
        return np.where(person("liaoning_si_eligible", period), person("liaoning_si_remaining", period), 0)

    def startup_conditions(person, period, parameters):
        """Bit 1: every condition but the year of operation; bit 2: the year of operation."""
        p = parameters(period).qinghai.startup_subsidy
        g = person("groups", period).astype(np.int64)
        prefixes = np.array(params["sanjiangyuan_prefix4"], dtype=np.int64)
        sjy = np.isin(person("household_region", period) // 100, prefixes) | np.isin(
            person("residence_region", period) // 100, prefixes
        )
        target = ((g & params["startup_groups_mask"]) != 0) | (
            ((g & bits["registered_unemployed"]) != 0) & sjy
        )
        kind = person("business_kind", period)
        bday = person("business_day", period).astype(np.int64)
        registered = (
            ((kind == 1) | (kind == 2))
            & (bday > MISSING)
            & (person("business_region", period) // 10000 == 63)
        )
        operating = person("business_ok", period)
        year_ok = registered & (_add_years(bday, int(p.min_operating_years)) <= today)
        first_time = person("led_startup_subsidy", period) == 0
        not_family = ~person("business_family_subsidised", period)
        applies = person("region", period) // 10000 == 63
        rest = applies & target & registered & operating & first_time & not_family
        return rest * 1 + year_ok * 2

    def startup_amount(person, period, parameters):
        p = parameters(period).qinghai.startup_subsidy
        return np.where(person("qinghai_startup_conditions", period) == 3, int(p.amount_fen), 0)

    def startup_from(person, period, parameters):
        p = parameters(period).qinghai.startup_subsidy
        only_time = person("qinghai_startup_conditions", period) == 1
        anniversary = _add_years(person("business_day", period).astype(np.int64), int(p.min_operating_years))
        return np.where(only_time, anniversary, -1)

    variables = [
        variable("liaoning_si_target", int, "辽宁社保补贴对象", si_target),
        variable("liaoning_si_retirement_now", int, "法定退休年月序号", si_retirement_now),
        variable("liaoning_si_remaining", int, "尚可享受月数", si_remaining),
        variable("liaoning_si_eligible", bool, "辽宁社保补贴资格", si_eligible),
        variable("liaoning_si_amount", int, "辽宁社保补贴每月金额（分）", si_amount),
        variable("liaoning_si_months", int, "辽宁社保补贴可享受月数", si_months),
        variable("qinghai_startup_conditions", int, "青海创业补贴条件", startup_conditions),
        variable("qinghai_startup_amount", int, "青海一次性创业补贴（分）", startup_amount),
        variable("qinghai_startup_eligible_from", int, "满1年之日（仅差时间时）", startup_from),
    ]
    for var in variables:
        system.add_variable(var)
    return system


def main() -> None:
    input_path, params_path, output_path = sys.argv[1:4]
    data = dict(np.load(input_path))
    with open(params_path, encoding="utf-8") as fh:
        params = json.load(fh)
    system = build_system(params)
    n = len(data["region"])
    period = params["period"]
    t0 = time.perf_counter()
    simulation = SimulationBuilder().build_default_simulation(system, count=n)
    for name in INPUTS:
        simulation.set_input(name, "ETERNITY", data[name].astype(bool if INPUTS[name] is bool else np.int32))
    t1 = time.perf_counter()
    si_amount = simulation.calculate("liaoning_si_amount", period)
    si_months = simulation.calculate("liaoning_si_months", period)
    startup = simulation.calculate("qinghai_startup_amount", period)
    startup_from = simulation.calculate("qinghai_startup_eligible_from", period)
    t2 = time.perf_counter()
    np.savez(
        output_path,
        si_amount=si_amount.astype(np.int64),
        si_months=si_months.astype(np.int64),
        startup_amount=startup.astype(np.int64),
        startup_from=startup_from.astype(np.int64),
        seconds_inputs=np.float64(t1 - t0),
        seconds_calculate=np.float64(t2 - t1),
    )


if __name__ == "__main__":
    main()
