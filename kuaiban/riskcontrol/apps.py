from django.apps import AppConfig


class RiskControlConfig(AppConfig):
    name = "kuaiban.riskcontrol"
    verbose_name = "内控与风险防控"

    def ready(self) -> None:
        from kuaiban.cases.hooks import decision_control_register
        from kuaiban.riskcontrol.control import PostControl

        # The sub-case services ask it who may decide and review, and what is high-risk.
        decision_control_register(PostControl())
