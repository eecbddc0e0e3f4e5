"""Realistic synthetic people for demonstrations, training and load tests (`lingong demo`).

Everything made here is marked as synthetic by convention, so a reader of the data can tell:

- mobile phones are in the 170/171 virtual-operator blocks: demo logins ``1700000000N``,
  enterprises ``1701xxxxxxx``, individual employers ``1702xxxxxxx``, workers ``171xxxxxxxx``;
- resident ID numbers carry a real county code of the chosen region, a birth date between 1960
  and 2006 and a correct check digit, but their sequence code (digits 15-17) always starts
  with 9 (``9xx``);
- unified social credit codes are ``91`` + county code + an organisation code starting with
  ``YY`` (never assigned: real ones are digits or ``MA…``) + a correct check digit.

Real people do hold 170/171 phones and 9xx sequence codes, so the marks only tell demo data apart
in a database that holds nothing else: demo data never goes into production (the command refuses
when ``LINGONG_ENV=production``).

People are a pure function of (seed, region, position): person *i* of seed *S* in a region is
the same on every run, whatever ``--workers`` says, so a run with the same seed skips the people
already there and a bigger ``--workers`` only adds the new ones.

The market app (worker profiles) calls ``location_near`` and ``sample_skills`` for the location
and skills of each generated worker; they are here so every generator lives in one place.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

from stdnum.cn import ric, uscc

from lingong.core.models import Division, Occupation

DEMO_PASSWORD = "Demo-2026!"  # noqa: S105 - published on purpose, for demo accounts only

#: (label, phone, password) of the demo accounts `lingong setup` prints.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("系统管理员", "17000000001", DEMO_PASSWORD),
    ("市级经办人员（全部权限）", "17000000002", DEMO_PASSWORD),
    ("区县经办人员（无个人信息查看权限）", "17000000003", DEMO_PASSWORD),
    ("监管人员", "17000000004", DEMO_PASSWORD),
    ("灵活就业人员", "17000000005", DEMO_PASSWORD),
    ("用工主体（企业）", "17000000006", DEMO_PASSWORD),
]

WORKER_PHONE_PREFIX = "171"  # + 8 digits
ENTERPRISE_PHONE_PREFIX = "1701"  # + 7 digits; never "1700…", the demo logins' block
INDIVIDUAL_EMPLOYER_PHONE_PREFIX = "1702"  # + 7 digits

BIRTH_FIRST = dt.date(1960, 1, 1)
BIRTH_LAST = dt.date(2006, 12, 31)

# Surnames with their share of the population in per cent (公安部户籍统计, rounded), the long tail cut.
_SURNAMES = (
    "王7.12 李7.00 张6.74 刘5.10 陈4.61 杨3.22 黄2.45 赵2.29 吴2.05 周1.99 徐1.60 孙1.54 马1.43 朱1.38 "
    "胡1.31 郭1.20 何1.17 高1.09 林1.07 罗0.99 郑0.97 梁0.93 谢0.82 宋0.78 唐0.78 许0.68 韩0.66 冯0.64 "
    "邓0.63 曹0.60 彭0.59 曾0.58 肖0.56 田0.55 董0.55 袁0.52 潘0.51 于0.50 蒋0.48 蔡0.47 余0.47 杜0.46 "
    "叶0.45 程0.44 苏0.41 魏0.41 吕0.40 丁0.40 任0.40 沈0.38 姚0.36 卢0.35 姜0.34 崔0.33 钟0.32 谭0.31 "
    "陆0.30 汪0.29 范0.29 金0.28 石0.28 廖0.27 贾0.26 夏0.26 韦0.26 付0.25 方0.25 白0.24 邹0.24 孟0.23 "
    "熊0.22 秦0.22 邱0.22 江0.22 尹0.21 薛0.21 闫0.21 段0.20 雷0.20 侯0.20 龙0.19 史0.19 陶0.18 黎0.18 "
    "贺0.17 顾0.17 毛0.17 郝0.16 龚0.16 邵0.16 万0.15 钱0.15 严0.14 武0.14 戴0.14 孔0.13 汤0.13 "
    "欧阳0.05 上官0.01"
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _shares(text: str) -> list[tuple[str, float]]:
    """``"王7.12 李7.00"`` → ``[("王", 7.12), ("李", 7.0)]``."""
    pairs = []
    for item in text.split():
        name = item.rstrip("0123456789.")
        pairs.append((name, float(item.removeprefix(name))))
    return pairs


_SURNAME_SHARES = _shares(_SURNAMES)
SURNAMES: tuple[str, ...] = tuple(name for name, _share in _SURNAME_SHARES)
_SURNAME_CUMULATIVE = tuple(accumulate(share for _name, share in _SURNAME_SHARES))

# Common given names by sex and birth cohort: names follow fashions, and a 1965 秀兰 reads true
# where a 1965 梓涵 does not.
GIVEN_NAMES: dict[tuple[str, int], tuple[str, ...]] = {
    ("M", 1960): _words(
        "建国 建军 国强 志强 卫东 建华 德明 永利 海涛 立新 振华 庆丰 宝山 玉林 长林 福生 国庆 军 伟 勇 刚 强 "
        "斌 明 平 辉 波 峰 建平 建新 志刚 志明 海军 红军 春生 金海 文明 树林 德胜 凤山"
    ),
    ("F", 1960): _words(
        "秀兰 桂英 玉兰 淑珍 秀英 桂兰 凤英 丽华 红梅 秀珍 玉梅 淑华 秀芳 丽娟 春梅 艳 红 霞 萍 华 丽 燕 敏 "
        "静 芳 玲 英 桂芝 素梅 淑英 玉珍 秀云 凤兰 桂珍 亚琴 丽萍"
    ),
    ("M", 1980): _words(
        "伟 磊 鹏 超 涛 浩 健 亮 帅 鑫 斌 宇 勇 俊 峰 明 杰 晓东 海波 志伟 文博 建伟 春雷 晓明 国栋 立伟 "
        "宏伟 俊杰 永强 海洋 大伟 东升 成龙 金龙 小龙"
    ),
    ("F", 1980): _words(
        "丽 静 敏 婷 娜 雪 艳 洁 晶 丹 倩 莉 颖 琳 慧 晓燕 丽娜 海燕 春燕 晓丽 红艳 雪梅 佳 璐 蕾 晓红 "
        "美玲 秋月 丽丽 晓琳"
    ),
    ("M", 1995): _words(
        "浩然 子轩 宇航 俊熙 梓豪 博文 一鸣 天宇 昊 轩 宇 浩宇 子豪 明轩 嘉豪 泽宇 睿 晨 锦程 思远 皓 宏宇 "
        "家乐 文轩 子健 鹏飞 振宇 晨阳"
    ),
    ("F", 1995): _words(
        "欣怡 梓涵 诗涵 雨涵 子涵 佳怡 思琪 梦瑶 雨欣 可馨 心怡 一诺 语嫣 若汐 欣妍 雨桐 佳琪 晓雯 悦 萌 琪 "
        "瑶 妍 璇 涵 思雨 梦琪"
    ),
}

_STREET_STEMS = _words(
    "人民 解放 建设 中山 和平 胜利 新华 文化 光明 幸福 民主 青年 长江 黄河 北京 南京 友谊 工业 兴华 繁荣 "
    "团结 振兴 滨河 迎宾 花园 学府 朝阳 东风 红旗 跃进 育才 长青 丰收 通达 东环 西环 站前 府前 "
    "市府 体育"
)
_STREET_KINDS = ("路", "街", "大街", "大道", "南路", "北路", "东路", "西路", "南街", "北街", "中路")
_ESTATES = _words(
    "阳光 金色 锦绣 幸福 和谐 翠湖 碧水 华府 御景 丰泽 锦江 清河 红枫 紫薇 松涛 玉泉 雅居 康乐 嘉园 "
    "春天 温馨 怡景 丽景 星河 望湖"
)
_ESTATE_KINDS = ("小区", "花园", "家园", "新村", "苑", "名都", "城")
_TOWN_STEMS = _words("新民 前进 红星 太平 永安 大兴 马家 王家 李家 高台 东岗 西沟 北山 南河 三合 四方 五里")

_TRADE_NAMES = _words(
    "鑫源 恒达 宏图 佳美 安心 顺发 诚信 众和 金桥 华盛 瑞丰 盛世 长城 东方 新宇 博远 亿家 优选 惠民 "
    "德润 天成 兴业 祥和 立新 汇通 启航 万家 乐居 利民 北方"
)
_TRADES = (
    "家政服务",
    "物流",
    "建筑劳务",
    "保洁服务",
    "餐饮管理",
    "装卸搬运",
    "物业管理",
    "人力资源服务",
    "汽车维修",
    "园林绿化",
    "配送服务",
    "养老服务",
)

# Names of pseudo-levels in the division tree that never appear in a postal address.
_NOT_IN_ADDRESS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class PersonSpec:
    """One synthetic person, as the User model takes it."""

    position: int
    display_name: str
    sex: str
    birth_date: dt.date
    id_number: str
    phone: str
    county_code: str
    address: str
    registered_days_ago: int


@dataclass(frozen=True)
class EnterpriseSpec:
    position: int
    display_name: str
    credit_code: str
    phone: str
    county_code: str
    address: str
    registered_days_ago: int


#: Registration dates are spread over the two years before the run.
REGISTERED_WITHIN_DAYS = 730


def counties_of(region: Division) -> list[Division]:
    """County-level divisions inside ``region`` (itself if it is one), by code."""
    if region.level == Division.Level.COUNTY:
        return [region]
    qs = Division.objects.filter(level=Division.Level.COUNTY, code__startswith=region.scope_prefix)
    qs = qs.exclude(name__in=_NOT_IN_ADDRESS).exclude(
        name__contains="岛礁"
    )  # 三沙's reefs: nobody lives there
    return list(qs.select_related("parent__parent").order_by("code"))


def _rng(seed: int, stream: str, counties: Sequence[Division]) -> random.Random:
    # The counties are part of the key: the same seed in another region gives other people (and
    # other phone numbers), rather than the same phones that would all be skipped as taken.
    return random.Random(f"lingong-demo:{seed}:{stream}:{'|'.join(c.code for c in counties)}")


def _company_place(county: Division, prefix: str) -> str:
    """Company names carry the city and county but not the province: 沈阳市和平区…, 北京市东城区…"""
    province = county
    while province.parent is not None:
        province = province.parent
    if province is not county and province.name.endswith(("省", "自治区")):
        return prefix.removeprefix(province.name)
    return prefix


def address_prefix(county: Division) -> str:
    """``辽宁省沈阳市和平区``: the names from province down, without pseudo-levels or repeats."""
    names: list[str] = []
    node: Division | None = county
    while node is not None:
        names.append(node.name)
        node = node.parent
    parts: list[str] = []
    for name in reversed(names):
        if name not in _NOT_IN_ADDRESS and (not parts or parts[-1] != name):
            parts.append(name)
    return "".join(parts)


class _Shuffle:
    """A seeded bijection of range(10**digits), so numbers drawn by position never repeat.

    Affine maps alone give numbers in arithmetic progression; reversing the digits between two of
    them scatters consecutive positions over the whole block.
    """

    def __init__(self, rng: random.Random, digits: int) -> None:
        self.digits = digits
        self.size = 10**digits
        self.a, self.b, self.c, self.d = (
            self._unit(rng),
            rng.randrange(self.size),
            self._unit(rng),
            rng.randrange(self.size),
        )

    def _unit(self, rng: random.Random) -> int:
        while True:
            a = rng.randrange(self.size // 10, self.size)
            if a % 2 and a % 5:  # coprime with a power of ten, so multiplying is a bijection
                return a

    def __call__(self, i: int) -> str:
        x = f"{(self.a * i + self.b) % self.size:0{self.digits}d}"
        return f"{(self.c * int(x[::-1]) + self.d) % self.size:0{self.digits}d}"


def _birth_date(rng: random.Random) -> dt.date:
    # Flexible workers bunch in their thirties and forties; the ends (60+, under 20) are thinner.
    first, last = BIRTH_FIRST.toordinal(), BIRTH_LAST.toordinal()
    mode = dt.date(1984, 1, 1).toordinal()
    return dt.date.fromordinal(int(rng.triangular(first, last + 1, mode)))


def _given_name(rng: random.Random, sex: str, birth: dt.date) -> str:
    cohort = 1995 if birth.year >= 1995 else 1980 if birth.year >= 1980 else 1960
    return rng.choice(GIVEN_NAMES[(sex, cohort)])


def person_name(rng: random.Random, sex: str, birth: dt.date) -> str:
    surname = SURNAMES[bisect(_SURNAME_CUMULATIVE, rng.random() * _SURNAME_CUMULATIVE[-1])]
    return surname + _given_name(rng, sex, birth)


def synthetic_id_number(rng: random.Random, county_code: str, birth: dt.date, sex: str) -> str:
    """A check-digit-valid ID number whose sequence code is 9xx (the synthetic marker)."""
    tens = rng.randrange(10)
    last = rng.randrange(1, 10, 2) if sex == "M" else rng.randrange(0, 10, 2)  # odd for men
    body = f"{county_code}{birth:%Y%m%d}9{tens}{last}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit


def street_address(rng: random.Random, county: Division, prefix: str) -> str:
    """A plausible home address inside ``county`` (``prefix`` is its ``address_prefix``)."""
    rural = county.name.endswith(("县", "旗")) and rng.random() < 0.4
    if rural:
        town = rng.choice(_TOWN_STEMS)
        village = rng.choice(_TOWN_STEMS)
        return f"{prefix}{town}镇{village}村{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
    street = rng.choice(_STREET_STEMS) + rng.choice(_STREET_KINDS)
    number = rng.randint(1, 399)
    unit, floor, room = rng.randint(1, 6), rng.randint(1, 18), rng.randint(1, 4)
    if rng.random() < 0.5:
        estate = rng.choice(_ESTATES) + rng.choice(_ESTATE_KINDS)
        building = rng.randint(1, 30)
        return f"{prefix}{street}{number}号{estate}{building}号楼{unit}单元{floor}{room:02d}"
    return f"{prefix}{street}{number}号{unit}单元{floor}{room:02d}"


def people(
    *,
    seed: int,
    counties: Sequence[Division],
    count: int,
    stream: str = "workers",
    phone_prefix: str = WORKER_PHONE_PREFIX,
) -> Iterator[PersonSpec]:
    """``count`` synthetic people spread evenly over ``counties``, the same for the same seed.

    Person *i* depends only on the seed, the counties and the people before it (ID numbers are
    redrawn on the rare clash with an earlier one), so asking for more people extends the list.
    """
    if not counties:
        return
    rng = _rng(seed, stream, counties)
    phone_number = _Shuffle(rng, 11 - len(phone_prefix))
    prefixes = {c.code: address_prefix(c) for c in counties}
    seen_ids: set[str] = set()
    for i in range(count):
        sex = "F" if rng.random() < 0.48 else "M"
        birth = _birth_date(rng)
        name = person_name(rng, sex, birth)
        county = counties[rng.randrange(len(counties))]
        id_number = synthetic_id_number(rng, county.code, birth, sex)
        while id_number in seen_ids:
            id_number = synthetic_id_number(rng, county.code, birth, sex)
        seen_ids.add(id_number)
        yield PersonSpec(
            position=i,
            display_name=name,
            sex=sex,
            birth_date=birth,
            id_number=id_number,
            phone=phone_prefix + phone_number(i),
            county_code=county.code,
            address=street_address(rng, county, prefixes[county.code]),
            registered_days_ago=rng.randrange(REGISTERED_WITHIN_DAYS),
        )


def synthetic_credit_code(rng: random.Random, county_code: str) -> str:
    """``91`` (enterprise, market regulator) + county + ``YY…`` (synthetic marker) + check digit."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = f"91{county_code}YY" + "".join(rng.choice(alphabet) for _ in range(7))
    return body + uscc.calc_check_digit(body)


def enterprises(
    *, seed: int, counties: Sequence[Division], count: int, stream: str = "enterprises"
) -> Iterator[EnterpriseSpec]:
    """``count`` synthetic enterprises, e.g. 沈阳市和平区安心家政服务有限公司."""
    if not counties:
        return
    rng = _rng(seed, stream, counties)
    phone_number = _Shuffle(rng, 7)
    prefixes = {c.code: address_prefix(c) for c in counties}
    seen: set[str] = set()
    for i in range(count):
        county = counties[rng.randrange(len(counties))]
        place = _company_place(county, prefixes[county.code])
        name = f"{place}{rng.choice(_TRADE_NAMES)}{rng.choice(_TRADES)}有限公司"
        code = synthetic_credit_code(rng, county.code)
        while code in seen:
            code = synthetic_credit_code(rng, county.code)
        seen.add(code)
        yield EnterpriseSpec(
            position=i,
            display_name=name,
            credit_code=code,
            phone=ENTERPRISE_PHONE_PREFIX + phone_number(i),
            county_code=county.code,
            address=street_address(rng, county, prefixes[county.code]),
            registered_days_ago=rng.randrange(REGISTERED_WITHIN_DAYS),
        )


def location_near(rng: random.Random, county: Division, *, km: float = 5.0) -> tuple[float, float] | None:
    """(longitude, latitude) a few km from the county's centre, or ``None`` without coordinates."""
    if county.longitude is None or county.latitude is None:
        return None
    distance = min(abs(rng.gauss(0, km / 2)), km)
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.0
    dlon = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(county.latitude)))
    return round(county.longitude + dlon, 6), round(county.latitude + dlat, 6)


def flexible_occupations() -> list[str]:
    """Codes of the occupations common in flexible work, the pool workers' skills come from."""
    return list(
        Occupation.objects.filter(common_in_flexible_work=True)
        .order_by("code")
        .values_list("code", flat=True)
    )


def sample_skills(rng: random.Random, occupation_codes: Sequence[str], *, most: int = 3) -> list[str]:
    """One to ``most`` distinct occupation codes: most workers list one or two skills."""
    if not occupation_codes:
        return []
    k = rng.choices(range(1, most + 1), weights=[1 / n for n in range(1, most + 1)])[0]
    k = min(len(occupation_codes), k)
    return rng.sample(list(occupation_codes), k)
