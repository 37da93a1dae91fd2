"""就近办: where people can hand in (委托受理) or have decided (授权办理) an item near home.

A `ServicePoint` is a 人社服务大厅, a bank or post office branch, or a street / community /
village platform, with its position; a `Place` is one entry of a region's address list (a
street of a district, a village), the data that turns an address into a position without any
outside geocoding service. Both are loaded from `packs/servicepoints/<city>.yaml`
(`kuaiban servicepoints_load`) and editable in the admin.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PointKind(models.TextChoices):
    HALL = "hall", _("人社服务大厅")
    BANK = "bank", _("银行网点")
    POST = "post", _("邮政网点")
    STREET = "street", _("街道（乡镇）便民服务中心")
    COMMUNITY = "community", _("社区（村）便民服务站")


class AreaKind(models.TextChoices):
    """Shandong 2023: 城区步行15分钟、乡村辐射5公里 — which circle a place is measured by."""

    URBAN = "urban", _("城区")
    RURAL = "rural", _("乡村")


class ServicePoint(models.Model):
    code = models.SlugField(
        _("网点代码"),
        max_length=60,
        unique=True,
        help_text=_("数据文件中的网点代码，如 jn-lixia-hall；重新加载按此更新。"),
    )
    name = models.CharField(_("名称"), max_length=120, help_text=_("对外公布的网点名称。"))
    kind = models.CharField(
        _("网点类型"),
        max_length=12,
        choices=PointKind.choices,
        help_text=_("大厅、银行、邮政或基层平台。"),
    )
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        related_name="service_points",
        help_text=_("网点所在的最具体的已登记地区（区县，或其所在的市）。"),
    )
    district = models.CharField(
        _("所在区县"), max_length=40, blank=True, help_text=_("如 历下区；用于列表显示。")
    )
    address = models.CharField(_("地址"), max_length=200, help_text=_("到达网点的详细地址。"))
    latitude = models.FloatField(_("纬度"), help_text=_("WGS 84 纬度，十进制度。"))
    longitude = models.FloatField(_("经度"), help_text=_("WGS 84 经度，十进制度。"))
    area = models.CharField(
        _("城乡属性"),
        max_length=8,
        choices=AreaKind.choices,
        default=AreaKind.URBAN,
        help_text=_("城区网点按步行15分钟、乡村网点按5公里计算服务半径。"),
    )
    opening_hours = models.CharField(
        _("办理时间"), max_length=200, help_text=_("如 工作日 9:00—12:00，13:30—17:00。")
    )
    extended_hours = models.CharField(
        _("延时、错时服务"),
        max_length=200,
        blank=True,
        help_text=_("午间不间断、延时或周末错时服务的时间；没有则留空。"),
    )
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True, help_text=_("网点电话。"))
    accepts = models.ManyToManyField(
        "catalogue.ServiceItem",
        verbose_name=_("委托受理事项"),
        related_name="accepting_points",
        blank=True,
        help_text=_("该网点可以收件（委托受理）的事项。"),
    )
    decides = models.ManyToManyField(
        "catalogue.ServiceItem",
        verbose_name=_("授权办理事项"),
        related_name="deciding_points",
        blank=True,
        help_text=_("该网点可以当场办结（授权办理）的事项；须同时在委托受理事项中。"),
    )
    prints_cards = models.BooleanField(
        _("即时制卡"), default=False, help_text=_("可当场制发社会保障卡（立等可取）。")
    )
    active = models.BooleanField(
        _("对外服务"), default=True, help_text=_("停用的网点不在查询结果和地图中出现。")
    )
    source = models.CharField(
        _("数据来源"),
        max_length=200,
        blank=True,
        help_text=_("载入该网点的数据文件及其来源说明。"),
    )
    source_hash = models.CharField(
        _("来源摘要"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "上次从数据文件加载时该网点内容的摘要；文件未改动时重新加载不会覆盖后台的修改。"
        ),
    )

    class Meta:
        verbose_name = _("服务网点")
        verbose_name_plural = _("服务网点")
        ordering = ["region__code", "code"]
        indexes = [
            # The nearest search first narrows to a box of latitudes and longitudes.
            models.Index(fields=["latitude", "longitude"], name="point_position_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="point_position_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """One entry of a region's address list: the text an address contains, and where it is."""

    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("所属地区"),
        on_delete=models.PROTECT,
        related_name="places",
        help_text=_("地址所在的市（覆盖率按此统计）。"),
    )
    name = models.CharField(
        _("地址片段"),
        max_length=80,
        unique=True,
        help_text=_("地址中包含的文字，如 济南市历下区经十路；按最长匹配定位。"),
    )
    short_name = models.CharField(
        _("简称"),
        max_length=80,
        help_text=_("不含市名的地址片段，如 历下区经十路；地址未写市名时按此匹配。"),
    )
    latitude = models.FloatField(_("纬度"), help_text=_("WGS 84 纬度，十进制度。"))
    longitude = models.FloatField(_("经度"), help_text=_("WGS 84 经度，十进制度。"))
    area = models.CharField(
        _("城乡属性"),
        max_length=8,
        choices=AreaKind.choices,
        default=AreaKind.URBAN,
        help_text=_("城区按步行15分钟、乡村按5公里衡量是否在服务圈内。"),
    )
    source_hash = models.CharField(
        _("来源摘要"), max_length=64, blank=True, editable=False, help_text=_("同网点。")
    )

    class Meta:
        verbose_name = _("地址定位")
        verbose_name_plural = _("地址定位")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name
