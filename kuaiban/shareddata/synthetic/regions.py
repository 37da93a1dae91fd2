"""Districts synthetic people can come from (GB/T 2260 codes) and the addresses there."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from kuaiban.shareddata.synthetic.rand import QuickRandom
from kuaiban.shareddata.synthetic.vocab import COMPLEXES, GENERIC_STREETS

_BUILDINGS = [[f"{b}号楼{u}单元" for u in range(1, 5)] for b in range(1, 31)]
_ROOMS = [[f"{floor}{room:02d}室" for room in range(1, 5)] for floor in range(1, 27)]


@dataclass(frozen=True)
class District:
    code: str
    province: str
    city: str
    name: str
    area_code: str  # telephone area code of the city
    streets: tuple[str, ...]

    @functools.cached_property
    def full_name(self) -> str:
        return f"{self.province}{self.city}{self.name}"

    def address(self, rng: QuickRandom) -> str:
        """Street, number, complex, building, unit, floor and room: the draws of
        ``rng.choice`` and ``rng.randint`` written out (see `vocab.py`)."""
        random = rng.random
        street = self.streets[int(random() * len(self.streets))]
        complex_ = COMPLEXES[int(random() * len(COMPLEXES))]
        building = _BUILDINGS[int(random() * 30)][int(random() * 4)]  # 1–30号楼, 1–4单元
        room = _ROOMS[int(random() * 26)][int(random() * 4)]  # floor 1–26, room 01–04
        number = 1 + int(random() * 999)
        return f"{self.full_name}{street}{number}号{complex_}{building}{room}"

    def landline(self, rng: random.Random) -> str:
        # Every city listed here has eight-digit local numbers, never starting with 0, 1 or 9.
        return f"{self.area_code}-{rng.randint(2, 8)}{rng.randrange(10**7):07d}"


_JINAN = ("经十路", "泉城路", "历山路", "文化东路", "山大路", "北园大街", "舜耕路", "二环东路")
_QINGDAO = ("香港中路", "延安三路", "辽宁路", "台东一路", "福州路", "山东路", "东海西路")
_YANTAI = ("南大街", "北马路", "胜利路", "青年南路", "上夼西路")
_TAIYUAN = ("迎泽大街", "五一路", "并州路", "府西街", "长风街", "体育路", "建设南路", "平阳路")
_NANJING = ("中山路", "北京东路", "珠江路", "中山东路", "龙蟠路", "汉中路", "江东中路", "应天大街")
_SUZHOU = ("人民路", "干将路", "十全街", "石路", "竹园路")

_TABLE = [
    ("370102", "山东省", "济南市", "历下区", "0531", _JINAN),
    ("370103", "山东省", "济南市", "市中区", "0531", _JINAN),
    ("370104", "山东省", "济南市", "槐荫区", "0531", _JINAN),
    ("370105", "山东省", "济南市", "天桥区", "0531", _JINAN),
    ("370112", "山东省", "济南市", "历城区", "0531", _JINAN),
    ("370202", "山东省", "青岛市", "市南区", "0532", _QINGDAO),
    ("370203", "山东省", "青岛市", "市北区", "0532", _QINGDAO),
    ("370212", "山东省", "青岛市", "崂山区", "0532", _QINGDAO),
    ("370602", "山东省", "烟台市", "芝罘区", "0535", _YANTAI),
    ("140105", "山西省", "太原市", "小店区", "0351", _TAIYUAN),
    ("140106", "山西省", "太原市", "迎泽区", "0351", _TAIYUAN),
    ("140107", "山西省", "太原市", "杏花岭区", "0351", _TAIYUAN),
    ("140109", "山西省", "太原市", "万柏林区", "0351", _TAIYUAN),
    ("320102", "江苏省", "南京市", "玄武区", "025", _NANJING),
    ("320104", "江苏省", "南京市", "秦淮区", "025", _NANJING),
    ("320105", "江苏省", "南京市", "建邺区", "025", _NANJING),
    ("320106", "江苏省", "南京市", "鼓楼区", "025", _NANJING),
    ("320508", "江苏省", "苏州市", "姑苏区", "0512", _SUZHOU),
]

DISTRICTS = {
    code: District(code, province, city, name, area, streets + tuple(GENERIC_STREETS[:3]))
    for code, province, city, name, area, streets in _TABLE
}

# The districts of the demo's regions (kuaiban/demo/setup.py).
DEFAULT_REGION_CODES = ("370102", "140106", "320102")


def districts_for(codes: list[str] | tuple[str, ...]) -> tuple[District, ...]:
    """The districts of ``codes`` in the given order; ValueError names any unknown code."""
    unknown = [c for c in codes if c not in DISTRICTS]
    if unknown:
        raise ValueError(
            f"未收录的地区代码：{', '.join(unknown)}；可选：{', '.join(sorted(DISTRICTS))}"
        )
    if not codes or len(set(codes)) != len(codes):
        raise ValueError("地区代码不能为空，也不能重复")
    return tuple(DISTRICTS[c] for c in codes)
