from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "kuaiban.cards"
    verbose_name = "社会保障卡"

    def ready(self) -> None:
        from kuaiban.applications.hooks import submission_rule_register
        from kuaiban.cards.casework import CardDecisions, CardSubmissionRule
        from kuaiban.cases.hooks import decision_listener_register
        from kuaiban.guides.online import OnlineService, online_service_register

        # The 10-x sub-cases' decisions drive the card; 10-1 is refused to a card holder.
        decision_listener_register(CardDecisions())
        submission_rule_register(CardSubmissionRule())
        # 社会保障卡应用状态查询 (Shandong 2020 附件3 序号7) is answered by the holder's card page.
        online_service_register(
            item_code="L-card-status-query",
            service=OnlineService(
                label="查询本人社会保障卡应用状态", url="/me/card/", api="GET /api/v1/cards/me"
            ),
        )
