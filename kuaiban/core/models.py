"""The audit trail: who did what to which object, and who read whose personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every audited action, declared once; the stored value is the dotted name."""

    # Accounts (written to the audit log, not to AuditEvent rows).
    LOGIN_SUCCESS = "login.success", _("登录成功")
    LOGIN_FAILURE = "login.failure", _("登录失败")
    LOGIN_REFUSED = "login.refused", _("登录被拒绝")
    LOGOUT = "logout", _("退出登录")
    TOKEN_ISSUE = "token.issue", _("签发接口令牌")
    TOKEN_REVOKE = "token.revoke", _("撤销接口令牌")
    IDENTITY_PROVISION = "identity.provision", _("统一身份认证开户")
    AUTHORISATION_GRANT = "authorisation.grant", _("亲情代办授权")
    AUTHORISATION_REVOKE = "authorisation.revoke", _("撤销亲情代办授权")
    # Reads of personal data.
    SHARED_DATA_READ = "shareddata.read", _("读取共享数据")
    APPLICATION_READ = "application.read", _("查看申请")
    SUBCASE_READ = "subcase.read", _("查看子件")
    SUBCASE_MATERIAL_DOWNLOAD = "subcase.material_download", _("下载申请材料")
    TICKET_CONTACT_READ = "ticket.contact_read", _("查看评价人联系方式")
    # Applications and sub-cases.
    APPLICATION_SUBMIT = "application.submit", _("提交申请")
    APPLICATION_WITHDRAW = "application.withdraw", _("撤回申请")
    APPLICATION_CORRECTION_ANSWER = (
        "application.correction_answer",
        _("申请人已补正（恢复计时）"),
    )
    MATERIAL_SUPPLY = "material.supply", _("补交容缺材料")
    SUBCASE_ACCEPT = "subcase.accept", _("受理")
    SUBCASE_APPROVED = "subcase.approved", _("办结")
    SUBCASE_REJECTED = "subcase.rejected", _("不予办理")
    SUBCASE_CORRECTION = "subcase.correction", _("一次性告知补正（暂停计时）")
    SUBCASE_TRANSFER = "subcase.transfer", _("转办")
    SUBCASE_REVIEW_REQUEST = "subcase.review_request", _("高风险事项提请复核")
    SUBCASE_REVIEW_RETURN = "subcase.review_return", _("复核退回")
    SUBCASE_REVOKE = "subcase.revoke", _("撤销办结决定")
    SUBCASE_AMEND = "subcase.amend", _("更正办结决定")
    SUBCASE_REOPEN = "subcase.reopen", _("重新办理已办结子件")
    # 告知承诺 事中事后核查 and 失信.
    COMMITMENT_CHECK_READ = "commitment_check.read", _("查看承诺核查")
    COMMITMENT_CHECK_STEP = "commitment_check.step", _("承诺核查办理")
    COMMITMENT_CHECK_OUTCOME = "commitment_check.outcome", _("承诺核查结论")
    COMMITMENT_CHECK_OVERDUE = "commitment_check.overdue", _("承诺核查超期提醒")
    COMMITMENT_OBJECTION = "commitment.objection", _("对核查结论提出异议")
    COMMITMENT_OBJECTION_DECIDE = "commitment.objection_decide", _("处理核查结论异议")
    CREDIT_RECORD_CREATE = "credit_record.create", _("记录告知承诺失信")
    CREDIT_RECORD_LIFT = "credit_record.lift", _("解除告知承诺失信记录")
    OUTBOX_RESEND = "outbox.resend", _("重新发送消息")
    # 免申即办.
    PROACTIVE_RULE_LOAD = "proactive.rule_load", _("载入免申即办规则草稿")
    PROACTIVE_RULE_APPROVE = "proactive.rule_approve", _("审核通过免申即办规则")
    PROACTIVE_RULE_PUBLISH = "proactive.rule_publish", _("发布免申即办规则")
    PROACTIVE_RUN_START = "proactive.run_start", _("启动免申即办比对")
    OFFER_READ = "offer.read", _("查看免申即办服务")
    OFFER_ACCEPT = "offer.accept", _("确认办理免申即办服务")
    OFFER_DECLINE = "offer.decline", _("放弃免申即办服务")
    OFFER_OBJECTION = "offer.objection", _("对公示提出异议")
    OFFER_OBJECTION_DECIDE = "offer.objection_decide", _("处理公示异议")
    # Self-service: certificates anyone can verify, 资格考试报名, 证书邮寄.
    CERTIFICATE_ISSUE = "certificate.issue", _("开具证明")
    CERTIFICATE_REVOKE = "certificate.revoke", _("作废证明")
    EXAM_REGISTER = "exam.register", _("资格考试报名")
    EXAM_REVIEW = "exam.review", _("资格考试报名审核")
    MAILING_REQUEST = "mailing.request", _("申请证书邮寄")
    MAILING_UPDATE = "mailing.update", _("更新证书邮寄状态")
    # Ratings and their rectification tickets.
    VISIT_RECORD = "visit.record", _("登记窗口服务")
    RATING_CREATE = "rating.create", _("评价")
    TICKET_OPEN = "ticket.open", _("差评整改立案")
    TICKET_CALLBACK = "ticket.callback", _("回访")
    TICKET_VERIFY = "ticket.verify", _("核实")
    TICKET_RECTIFY = "ticket.rectify", _("整改")
    TICKET_LEDGER = "ticket.ledger", _("列入整改台账")
    TICKET_RECTIFY_COMPLETE = "ticket.rectify_complete", _("整改完成")
    TICKET_FEEDBACK = "ticket.feedback", _("反馈")
    TICKET_REPORT = "ticket.report", _("上报")
    TICKET_APPEAL = "ticket.appeal", _("申诉")
    TICKET_REVIEW = "ticket.review", _("申诉复核")
    TICKET_STEP_OVERDUE = "ticket.step_overdue", _("整改环节超期")
    # The social security card (一卡办) and 亮证.
    CARD_READ = "card.read", _("查看社会保障卡")
    CARD_CHANGE = "card.change", _("社会保障卡业务")
    CREDENTIAL_VERIFY = "credential.verify", _("核验亮证二维码")
    # 上门办.
    HOME_VISIT_REQUEST = "home_visit.request", _("申请上门服务")
    HOME_VISIT_SCHEDULE = "home_visit.schedule", _("安排上门服务")
    HOME_VISIT_OUTCOME = "home_visit.outcome", _("记录上门结果")
    HOME_VISIT_CANCEL = "home_visit.cancel", _("取消上门服务")
    HOME_VISIT_READ = "home_visit.read", _("查看上门服务")
    # Appointments and the hall's queue.
    APPOINTMENT_BOOK = "appointment.book", _("预约")
    APPOINTMENT_MOVE = "appointment.move", _("改约")
    APPOINTMENT_CANCEL = "appointment.cancel", _("取消预约")
    APPOINTMENT_CHECK_IN = "appointment.check_in", _("预约签到")
    APPOINTMENT_READ = "appointment.read", _("查看预约")
    QUEUE_TICKET_ISSUE = "queue.ticket_issue", _("取号")
    QUEUE_TICKET_CALL = "queue.ticket_call", _("叫号")
    # 办不成事 reports.
    PROBLEM_REPORT_FILE = "problem.file", _("反映办不成事")
    PROBLEM_REPORT_READ = "problem.read", _("查看办不成事反映")
    PROBLEM_REPORT_RESOLVE = "problem.resolve", _("答复办不成事反映")
    PROBLEM_REPORT_FEEDBACK = "problem.feedback", _("评价办不成事反映的答复")
    PROBLEM_REPORT_ESCALATE = "problem.escalate", _("办不成事反映超期督办")


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        help_text=_("系统自动操作时为空。"),
    )
    actor_label = models.CharField(
        _("操作人名称"),
        max_length=120,
        help_text=_("操作时的用户名或系统名称，账号删除后仍可追溯。"),
    )
    action = models.CharField(
        _("操作"),
        max_length=60,
        choices=AuditAction.choices,
        help_text=_("如 application.submit、shareddata.read。"),
    )
    object_type = models.CharField(_("对象类型"), max_length=40)
    object_id = models.CharField(_("对象标识"), max_length=60)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    changes = models.JSONField(
        _("变更内容"), default=dict, blank=True, help_text=_("变更的字段与取值（个人信息已脱敏）。")
    )

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class PolicyGeneration(models.Model):
    """A counter bumped by every change of static policy data (packs, bundles, catalogue,
    routes, calendar): each process keeps what it built from that data under the counter's
    value, and rebuilds it when the value moves (`kuaiban.core.policy_cache`)."""

    name = models.CharField(
        _("名称"), max_length=40, unique=True, help_text=_("被计数的政策数据，如 policy。")
    )
    value = models.PositiveBigIntegerField(
        _("版本号"), default=0, help_text=_("政策数据每变化一次加一；各进程据此丢弃旧缓存。")
    )

    class Meta:
        verbose_name = _("政策数据版本")
        verbose_name_plural = _("政策数据版本")

    def __str__(self) -> str:
        return f"{self.name}:{self.value}"
