from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "kuaiban.cards"
    verbose_name = "社会保障卡"

    def ready(self) -> None:
        from kuaiban.applications.hooks import submission_rule_register
        from kuaiban.bundles.field_choices import field_choices_register
        from kuaiban.cards.casework import CardDecisions, CardSubmissionRule
        from kuaiban.cards.pickup import point_choices
        from kuaiban.cases.hooks import decision_listener_register

        # The 10-x sub-cases' decisions drive the card; 10-1 is refused to a card holder.
        decision_listener_register(CardDecisions())
        submission_rule_register(CardSubmissionRule())
        # The application form's 领卡网点 lists the card service points.
        field_choices_register("card_point", point_choices)
