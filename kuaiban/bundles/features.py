"""The platform's features a policy provision can be served by (pack `provisions: features:`).

Each is a page people can open (a URL name) or, for back-office work, a description only. The
pack page lists each provision with the features serving it, or says 尚未提供.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    name: str
    url_name: str = ""  # a page anyone concerned can open; "" for back-office work


FEATURES: dict[str, Feature] = {
    "web_intake": Feature("网上申办“一件事”（电脑、手机浏览器均可）", "intake:start"),
    "window_intake": Feature("综合窗口受理（综合柜员代为申办、打印受理回执）", "intake:window"),
    "routing": Feature("拆包分办：按事项自动分送经办机构后台审批（经办人员工作台）"),
    "progress": Feature("办件进度查询及办结结果领取说明", "intake:progress"),
    "commitment": Feature("告知承诺与容缺受理（申办时选择，容缺材料可后补）", "intake:start"),
    "large_text": Feature("大字模式（适老化）：每个页面顶部的开关"),
    "guides": Feature("办事指南（办理地点、办理时间、咨询电话）", "guides:items"),
    "ratings": Feature("好差评与差评整改", "ratings:index"),
    "offers": Feature(
        "免申即办：平台比对共享数据找到符合条件的人和单位，主动推送服务", "proactive:mine"
    ),
    "cross_region": Feature(
        "跨省通办、全省通办：在收件地窗口或网上提交，子件分送办理地经办机构办理，双方均可查看，"
        "受理回执写明办理地"
    ),
    "nearby": Feature(
        "就近办：按事项和地址查找最近的人社服务大厅、银行、邮政和街道（社区、村）服务网点，"
        "列出距离、步行时间和延时、错时服务时间，并在地图上标出",
        "servicepoints:list",
    ),
    "appointments": Feature(
        "预约办理：网上或电话预约时段，短信提醒，到大厅凭预约号或二维码签到取号、叫号",
        "servicepoints:list",
    ),
    "green_channel": Feature(
        "绿色通道：达到人社部门设定年龄的老年人（按身份证号计算）和持证残疾人取号后优先叫号"
    ),
    "publicity": Feature("免申即享公示及异议处理（公示期满无异议即发放）", "proactive:publicity"),
}
