"""Word lists for synthetic people and units, and small pickers over them."""

from __future__ import annotations

import itertools
import re
from bisect import bisect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kuaiban.shareddata.synthetic.rand import QuickRandom

# Common surnames with rough shares (per mille) of the population; compound ones are rare.
_SURNAMES = (
    "王71 李70 张67 刘54 陈45 杨31 黄21 赵20 吴18 周17 徐13 孙13 马11 朱11 胡10 郭10 何9 林9 "
    "罗8 高8 郑7 梁7 谢6 宋5 唐5 许5 韩5 冯5 邓5 曹5 彭4 曾4 肖4 田4 董4 袁4 潘3 于3 蒋3 蔡3 "
    "余3 杜3 叶3 程3 苏3 魏3 吕3 丁3 任3 沈3 姚2 卢2 姜2 崔2 钟2 谭2 陆2 汪2 范2 金2 石2 廖2 "
    "贾2 夏2 韦2 付2 方2 白2 邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶1 黎1 "
    "贺1 顾1 毛1 郝1 龚1 邵1 万1 钱1 严1 武1 戴1 莫1 孔1 向1 汤1"
).replace(" ", "")
# Compound surnames are rare: a tenth of a per mille each.
_SURNAME_WEIGHTS: list[tuple[str, int]] = [
    *((name, int(share) * 10) for name, share in re.findall(r"(\D+?)(\d+)", _SURNAMES)),
    ("欧阳", 1),
    ("司马", 1),
    ("诸葛", 1),
]
SURNAMES = [name for name, _ in _SURNAME_WEIGHTS]
_SURNAME_CUM = list(itertools.accumulate(weight for _, weight in _SURNAME_WEIGHTS))

MALE_CHARS = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国志文海东亮成庆兵立新"
    "春晨阳博昊然轩睿泽坤锋毅庆德彬振荣胜栋铭哲航"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀英玲桂燕萍红梅琳雪婷倩颖慧莉璐欣怡佳悦琪萱涵诗雨梦晶瑶丹蕾洁岚薇"
    "凤琴云彤妍婧馨"
)
SHARED_CHARS = "文晓春金玉明建海小子思一嘉雅永云天安宏嘉晨"

MOBILE_PREFIXES = [
    *range(130, 140),
    145,
    147,
    *(150, 151, 152, 153, 155, 156, 157, 158, 159),
    166,
    *(172, 173, 175, 176, 177, 178),
    *range(180, 190),
    *(190, 191, 193, 195, 196, 197, 198, 199),
]

COMPLEXES = [
    "阳光花园",
    "幸福家园",
    "金色家园",
    "翠苑",
    "锦绣华庭",
    "和谐家园",
    "书香苑",
    "丽景园",
    "馨园小区",
    "新城花园",
    "绿地新城",
    "紫薇苑",
    "东方名苑",
    "怡景园",
    "职工宿舍",
    "明珠小区",
]
GENERIC_STREETS = ["人民路", "解放路", "建设路", "和平路", "文化路", "新华路", "胜利路", "工业路"]

TRADE_CHARS = "华鑫宏瑞泰恒盛达源丰聚信诚德安康顺通汇广中天海新科力金银昌隆利兴嘉伟博宇"
INDUSTRIES = [
    "机械制造",
    "软件科技",
    "信息技术",
    "建筑工程",
    "建材",
    "商贸",
    "物流",
    "医药",
    "食品",
    "纺织",
    "电子科技",
    "餐饮管理",
    "物业服务",
    "教育咨询",
    "汽车销售服务",
    "环保科技",
    "人力资源服务",
    "装饰工程",
    "农业发展",
    "文化传媒",
]
COMPANY_FORMS = ["有限公司"] * 16 + ["有限责任公司"] * 2 + ["股份有限公司", "集团有限公司"]

# Debit-card BINs of banks that issue 社会保障卡 financial accounts.
BANKS = [
    ("中国工商银行", "622202"),
    ("中国农业银行", "622848"),
    ("中国银行", "621661"),
    ("中国建设银行", "621700"),
    ("交通银行", "622262"),
    ("中国邮政储蓄银行", "621799"),
]

# The categories of the catalogue's 学历 field (``education``), so a prefilled value is always
# one of its choices; a test holds the two lists together.
EDUCATION = [
    "初中及以下",
    "普通高中",
    "中等职业教育",
    "大学专科",
    "大学本科",
    "硕士研究生",
    "博士研究生",
]
# Cumulative weights (per mille) over EDUCATION by age band: school age, young, middle, old.
_EDUCATION_CUM = {
    "school": [300, 800, 1000, 1000, 1000, 1000, 1000],
    "young": [160, 360, 510, 730, 950, 995, 1000],
    "middle": [430, 650, 770, 890, 990, 999, 1000],
    "old": [700, 880, 940, 980, 998, 1000, 1000],
}

UNEMPLOYMENT_REASONS = [
    "劳动合同期满终止",
    "用人单位裁减人员",
    "用人单位破产",
    "个人原因解除劳动合同",
    "用人单位被吊销营业执照",
]


# Given names draw mostly gendered characters, some shared ones.
_NAME_POOLS = {
    male: own * 3 + SHARED_CHARS for male, own in ((True, MALE_CHARS), (False, FEMALE_CHARS))
}
_MOBILE_PREFIXES = [str(prefix) for prefix in MOBILE_PREFIXES]

# The pickers below run for every generated person: they write out the draws of `QuickRandom`
# (`rand.py`) — ``seq[int(random() * len(seq))]`` is ``rng.choice(seq)``, and
# ``population[bisect(cum, random() * cum[-1])]`` is ``rng.choices(population, cum_weights=cum)``
# — the same values from the same ``random()`` calls, without a method call for each.


def person_name(rng: QuickRandom, *, male: bool) -> str:
    random = rng.random
    surname = SURNAMES[bisect(_SURNAME_CUM, random() * _SURNAME_CUM[-1], 0, len(SURNAMES) - 1)]
    own = MALE_CHARS if male else FEMALE_CHARS
    if random() < 0.25:
        return surname + own[int(random() * len(own))]
    pool = _NAME_POOLS[male]
    return surname + pool[int(random() * len(pool))] + own[int(random() * len(own))]


def mobile(rng: QuickRandom) -> str:
    random = rng.random
    prefix = _MOBILE_PREFIXES[int(random() * len(_MOBILE_PREFIXES))]
    return f"{prefix}{int(random() * 10**8):08d}"


def education(rng: QuickRandom, *, age: int) -> str:
    band = "school" if age < 19 else "young" if age <= 40 else "middle" if age <= 60 else "old"
    cum = _EDUCATION_CUM[band]
    return EDUCATION[bisect(cum, rng.random() * cum[-1], 0, len(EDUCATION) - 1)]


_LUHN_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]  # digit d doubled, digits summed
# The same as bytes: ASCII digit → its doubled value, for bytes.translate.
_LUHN_DOUBLED_BYTES = bytes(range(48)) + bytes(_LUHN_DOUBLED) + bytes(range(58, 256))


def luhn_complete(digits: str) -> str:
    """``digits`` with its Luhn check digit appended (as on bank cards)."""
    reverse = digits[::-1].encode("ascii")
    doubled, kept = reverse[::2].translate(_LUHN_DOUBLED_BYTES), reverse[1::2]
    # Sums over bytes, in C: the doubled digits as values, the others as ASCII codes.
    total = sum(doubled) + sum(kept) - ord("0") * len(kept)
    return digits + str(-total % 10)
