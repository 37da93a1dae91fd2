"""Daily roll-ups of the supervision figures (日汇总), and how far they reach.

Each row holds, for one day (or one whole month: ``whole_month``, keyed by its first day) and
one combination of dimensions, the counts and sums every figure of the pages adds up. The
pages read whole days before today from here and the rest live from the raw rows
(`rollups/read.py`); `rollups/build.py` writes them, `rollups/refresh.py` keeps them current.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Text
else:
    Text = str


def _dimension(
    to: str, verbose: str | Text, help_text: str | Text, *, null: bool = False
) -> models.ForeignKey[Any, Any]:
    """A roll-up's dimension. No constraint in the database: every key is copied from raw rows
    that hold the same reference under their own constraint, and a build writes hundreds of
    thousands of rows in one transaction, for each of which PostgreSQL queued one deferred
    check per dimension and ran them all at the commit (a third of a month's rebuild). A
    deleted region, pack or item still takes its roll-up rows with it (``CASCADE``, done by
    Django)."""
    return models.ForeignKey(
        to,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
        null=null,
        blank=null,
        verbose_name=verbose,
        help_text=help_text,
    )


def _count(verbose: str | Text, help_text: str | Text) -> models.BigIntegerField[Any, Any]:
    return models.BigIntegerField(verbose, default=0, help_text=help_text)


class RollupBase(models.Model):
    day = models.DateField(
        _("日期"), help_text=_("北京时间的日期；整月汇总行为该月 1 日。各计数按各自的时间归日。")
    )
    whole_month = models.BooleanField(
        _("整月汇总"), default=False, help_text=_("是否为整月的汇总行（由该月各日汇总相加）。")
    )
    region = _dimension("catalogue.Region", _("地区"), _("办件（或评价）所在地区。"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day:%Y-%m}" if self.whole_month else f"{self.day:%Y-%m-%d}"


class ApplicationDaily(RollupBase):
    """Applications by the day they were submitted.

    ``item`` / ``agency`` empty means “any”: each application is counted once in the row
    without either, once per distinct item it has a sub-case of, once per distinct agency and
    once per distinct (item, agency) — so a filter on an item or an agency picks the rows that
    count each application having such a sub-case exactly once.
    """

    pack = _dimension("bundles.Pack", _("政策包"), _("办件所属政策包。"))
    bundle = _dimension("bundles.Bundle", _("一件事"), _("办件所属一件事。"))
    channel = models.CharField(_("受理渠道"), max_length=16, help_text=_("办件的受理渠道。"))
    item = _dimension(
        "catalogue.ServiceItem", _("事项"), _("空为不限事项；否则为含该事项子件的办件。"), null=True
    )
    agency = _dimension(
        "catalogue.Agency", _("经办机构"), _("空为不限机构；否则为含该机构子件的办件。"), null=True
    )
    received = _count(_("受理办件"), _("受理的办件数（含撤回）。"))
    withdrawn = _count(_("撤回办件"), _("已撤回的办件数。"))
    online = _count(_("全程网办"), _("未撤回且全程网办的办件数。"))
    window = _count(_("窗口受理"), _("未撤回且在综合窗口受理的办件数。"))
    finished = _count(_("已办结办件"), _("已办结（含部分办结、不予办理）的办件数。"))
    rated = _count(_("已评价办件"), _("已办结且申请人已评价（非默认评价）的办件数。"))
    fields_separate = _count(_("逐项填写字段"), _("未撤回办件逐项申请时的填写字段数之和。"))
    fields_bundled = _count(_("打包填写字段"), _("未撤回办件打包办理的填写字段数之和。"))
    materials_separate = _count(_("逐项提交材料"), _("未撤回办件逐项申请时的材料数之和。"))
    materials_bundled = _count(_("打包提交材料"), _("未撤回办件打包办理的材料数之和。"))
    applications_separate = _count(_("逐项申请次数"), _("未撤回办件逐项申请时的申请次数之和。"))
    applications_bundled = _count(_("打包申请次数"), _("未撤回办件打包办理的申请次数之和。"))
    visits_separate = _count(_("逐项跑动次数"), _("未撤回办件逐项申请时的跑动次数之和。"))
    visits_bundled = _count(_("打包跑动次数"), _("未撤回办件打包办理的跑动次数之和。"))
    provision_uploaded = _count(_("已上传材料"), _("未撤回办件中已上传的材料份数。"))
    provision_shared = _count(_("数据共享材料"), _("未撤回办件中数据共享获取的材料份数。"))
    provision_online_form = _count(_("在线表单材料"), _("未撤回办件中由在线表单生成的材料份数。"))
    provision_commitment = _count(_("告知承诺材料"), _("未撤回办件中以告知承诺替代的材料份数。"))
    provision_gap = _count(_("容缺材料"), _("未撤回办件中容缺后补的材料份数。"))
    provision_correction = _count(_("补正材料"), _("未撤回办件中的补正材料份数。"))

    class Meta:
        verbose_name = _("办件日汇总")
        verbose_name_plural = _("办件日汇总")
        # The rows of one kind (any item / an item; any agency / an agency) lie together.
        indexes = [
            models.Index(fields=["whole_month", "item", "agency", "day"], name="sup_appdaily_day")
        ]


class SubCaseDaily(RollupBase):
    """Sub-cases: received by their application's submission day, decided by the day of the
    decision, running past a deadline by the deadline's day."""

    pack = _dimension("bundles.Pack", _("政策包"), _("子件所属办件的政策包。"))
    bundle = _dimension("bundles.Bundle", _("一件事"), _("子件所属办件的一件事。"))
    item = _dimension("catalogue.ServiceItem", _("事项"), _("子件的服务事项。"))
    agency = _dimension("catalogue.Agency", _("经办机构"), _("子件的经办机构。"), null=True)
    received = _count(_("受理子件"), _("当日受理的办件拆分出的子件数。"))
    decided = _count(_("办结子件"), _("当日办结且有办结期限的子件数。"))
    on_time = _count(_("按期办结"), _("当日办结且不晚于办结期限的子件数。"))
    overdue_open = _count(_("超期未办结"), _("办结期限在当日、至今仍在办理的子件数。"))

    class Meta:
        verbose_name = _("子件日汇总")
        verbose_name_plural = _("子件日汇总")
        indexes = [models.Index(fields=["whole_month", "day"], name="sup_subdaily_day")]


class ProcessingDaily(RollupBase):
    """The processing time of the sub-cases decided that day, as a histogram: per combination
    of dimensions (as `SubCaseDaily`) and per tenth of a working day (``tenths``), how many
    sub-cases took that long and their exact working days added up. Medians and means of
    any scope, filter and period come from here, without reading the sub-cases.
    """

    pack = _dimension("bundles.Pack", _("政策包"), _("子件所属办件的政策包。"))
    bundle = _dimension("bundles.Bundle", _("一件事"), _("子件所属办件的一件事。"))
    item = _dimension("catalogue.ServiceItem", _("事项"), _("子件的服务事项。"))
    agency = _dimension("catalogue.Agency", _("经办机构"), _("子件的经办机构。"), null=True)
    tenths = models.PositiveIntegerField(
        _("用时（0.1 工作日）"),
        help_text=_("办理用时（扣除补正等暂停）的工作日数 ×10，四舍五入到整数。"),
    )
    decided = _count(_("办结子件"), _("当日办结、用时在此档的子件数。"))
    days_sum = _count(
        _("用时合计（万分之一工作日）"), _("这些子件的确切用时（工作日）之和 ×10000。")
    )

    class Meta:
        verbose_name = _("办理用时日汇总")
        verbose_name_plural = _("办理用时日汇总")
        indexes = [
            models.Index(fields=["whole_month", "day"], name="sup_procdaily_day"),
            # A city's, a district's or an agency's year: only its own rows. By day alone
            # PostgreSQL read every region's month rows and kept a quarter for a city (1.3 M
            # rows, 225 ms at 10 M sub-cases) and a twentieth for an agency (164 ms).
            models.Index(fields=["region", "whole_month", "day"], name="sup_procdaily_region"),
            models.Index(fields=["agency", "whole_month", "day"], name="sup_procdaily_agency"),
        ]


class ProcessingProvinceMonth(models.Model):
    """`ProcessingDaily`'s month rows added up over each province's whole tree of regions,
    its bundles and agencies: per whole month, province, pack, item and tenth of a working day.

    A view of a whole province (or every region) without a bundle or agency chosen — the
    administrator's and a provincial supervisor's — reads a year of processing times from
    here: a fifth of the month rows (one province's districts, the bundles and agencies fold
    away), where the histogram's read was the largest of the 12-month pages (0.3 s at 10 M
    sub-cases). Written with the month rows (`rollups/build.month_rollup`); other views read
    `ProcessingDaily`.
    """

    month = models.DateField(_("月份"), help_text=_("该月 1 日。"))
    region = _dimension(
        "catalogue.Region", _("省级地区"), _("地区树的顶层地区：其下各级地区的子件合计。")
    )
    pack = _dimension("bundles.Pack", _("政策包"), _("子件所属办件的政策包。"))
    item = _dimension("catalogue.ServiceItem", _("事项"), _("子件的服务事项。"))
    tenths = models.PositiveIntegerField(
        _("用时（0.1 工作日）"),
        help_text=_("办理用时（扣除补正等暂停）的工作日数 ×10，四舍五入到整数。"),
    )
    decided = _count(_("办结子件"), _("当月办结、用时在此档的子件数。"))
    days_sum = _count(
        _("用时合计（万分之一工作日）"), _("这些子件的确切用时（工作日）之和 ×10000。")
    )

    class Meta:
        verbose_name = _("办理用时省级月汇总")
        verbose_name_plural = _("办理用时省级月汇总")
        indexes = [models.Index(fields=["month"], name="sup_procprov_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class InstantDaily(RollupBase):
    """即办 sub-cases decided that day, per combination of dimensions (as `SubCaseDaily`) and
    per the least whole number of office minutes they met (``minutes``): the 即办 target of
    any N minutes counts the rows with ``minutes`` ≤ N (`selectors/timing.py`)."""

    pack = _dimension("bundles.Pack", _("政策包"), _("子件所属办件的政策包。"))
    bundle = _dimension("bundles.Bundle", _("一件事"), _("子件所属办件的一件事。"))
    item = _dimension("catalogue.ServiceItem", _("事项"), _("子件的服务事项（即办事项）。"))
    agency = _dimension("catalogue.Agency", _("经办机构"), _("子件的经办机构。"), null=True)
    minutes = models.PositiveIntegerField(
        _("用时（分钟）"), help_text=_("从受理到办结的工作时间，取整到满足即办时限的最少分钟数。")
    )
    decided = _count(_("办结子件"), _("当日办结、用时在此档的即办子件数。"))

    class Meta:
        verbose_name = _("即办用时日汇总")
        verbose_name_plural = _("即办用时日汇总")
        indexes = [models.Index(fields=["whole_month", "day"], name="sup_instdaily_day")]


class InstantProvinceMonth(models.Model):
    """`InstantDaily`'s month rows added up per province (the top of the region tree), pack,
    item and minutes, as `ProcessingProvinceMonth` does for processing times: the 即办 target
    of a whole province's (or every region's) year, without a bundle or agency, reads these."""

    month = models.DateField(_("月份"), help_text=_("该月 1 日。"))
    region = _dimension(
        "catalogue.Region", _("省级地区"), _("地区树的顶层地区：其下各级地区的子件合计。")
    )
    pack = _dimension("bundles.Pack", _("政策包"), _("子件所属办件的政策包。"))
    item = _dimension("catalogue.ServiceItem", _("事项"), _("子件的服务事项（即办事项）。"))
    minutes = models.PositiveIntegerField(
        _("用时（分钟）"), help_text=_("从受理到办结的工作时间，取整到满足即办时限的最少分钟数。")
    )
    decided = _count(_("办结子件"), _("当月办结、用时在此档的即办子件数。"))

    class Meta:
        verbose_name = _("即办用时省级月汇总")
        verbose_name_plural = _("即办用时省级月汇总")
        indexes = [models.Index(fields=["month"], name="sup_instprov_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ReportDaily(RollupBase):
    """报告单 (the rectification report step) handed in that day, per combination of the rated
    case's dimensions (as `RatingDaily`; ``agency`` is the ticket's) and per calendar days from
    the rectification's day (``days``)."""

    agency = _dimension("catalogue.Agency", _("责任机构"), _("整改工单的责任机构。"), null=True)
    pack = _dimension("bundles.Pack", _("政策包"), _("所评办件的政策包。"), null=True)
    bundle = _dimension("bundles.Bundle", _("一件事"), _("所评办件的一件事。"), null=True)
    item = _dimension(
        "catalogue.ServiceItem",
        _("事项"),
        _("空为不限事项；否则为所评办件含该事项的报告单。"),
        null=True,
    )
    days = models.PositiveIntegerField(
        _("用时（自然日）"), help_text=_("从整改之日到报送之日的自然日数。")
    )
    reports = _count(_("报告单"), _("当日报送、用时在此档的报告单数。"))

    class Meta:
        verbose_name = _("报告单用时日汇总")
        verbose_name_plural = _("报告单用时日汇总")
        indexes = [models.Index(fields=["whole_month", "item", "day"], name="sup_repdaily_day")]


class RatingDaily(RollupBase):
    """Ratings by the day they were given; ``item`` empty means “any” (see `ApplicationDaily`)."""

    agency = _dimension("catalogue.Agency", _("责任机构"), _("评价的责任机构。"), null=True)
    pack = _dimension(
        "bundles.Pack", _("政策包"), _("所评办件的政策包；窗口评价无办件时为空。"), null=True
    )
    bundle = _dimension("bundles.Bundle", _("一件事"), _("所评办件的一件事。"), null=True)
    item = _dimension(
        "catalogue.ServiceItem",
        _("事项"),
        _("空为不限事项；否则为所评办件含该事项的评价。"),
        null=True,
    )
    total = _count(_("评价数"), _("当日的评价数。"))
    counted = _count(_("计入评价"), _("未核实为误评或恶意评价的评价数。"))
    good = _count(_("好评"), _("计入评价中满意、非常满意的数目。"))
    bad = _count(_("差评"), _("不满意、非常不满意的评价数。"))
    bad_real_name = _count(_("实名差评"), _("实名差评数。"))
    called_back = _count(_("按时回访"), _("回访环节在期限内完成的实名差评数。"))
    bad_counted = _count(_("计入差评"), _("未核实为误评或恶意评价的差评数。"))
    rectified = _count(_("整改办结"), _("计入差评中整改工单已办结的数目。"))
    level_1 = _count(_("非常不满意"), _("计入评价中非常不满意的数目。"))
    level_2 = _count(_("不满意"), _("计入评价中不满意的数目。"))
    level_3 = _count(_("基本满意"), _("计入评价中基本满意的数目。"))
    level_4 = _count(_("满意"), _("计入评价中满意的数目。"))
    level_5 = _count(_("非常满意"), _("计入评价中非常满意的数目。"))

    class Meta:
        verbose_name = _("评价日汇总")
        verbose_name_plural = _("评价日汇总")
        indexes = [models.Index(fields=["whole_month", "item", "day"], name="sup_ratedaily_day")]


class RollupRange(models.Model):
    """The one row saying which days the roll-ups hold (``first`` ≤ day < ``until``)."""

    first = models.DateField(_("首日"), help_text=_("汇总覆盖的第一天。"))
    until = models.DateField(_("截止日"), help_text=_("汇总覆盖到此日之前（不含此日）。"))
    changes_since = models.DateTimeField(
        _("变更检查起点"), help_text=_("下次更新从此时间起查找已变更的办件、子件和评价。")
    )
    rechecked_on = models.DateField(
        _("复核日期"), null=True, blank=True, help_text=_("最近一次重算近期各日汇总的日期。")
    )
    refreshed_at = models.DateTimeField(_("更新时间"), help_text=_("汇总最近一次更新的时间。"))

    class Meta:
        verbose_name = _("汇总范围")
        verbose_name_plural = _("汇总范围")

    def __str__(self) -> str:
        return f"{self.first:%Y-%m-%d}—{self.until:%Y-%m-%d}"
