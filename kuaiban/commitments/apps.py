from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "kuaiban.commitments"
    verbose_name = "告知承诺核查"

    def ready(self) -> None:
        from kuaiban.applications.hooks import commitment_control_register
        from kuaiban.commitments.hooks import CommitmentWork

        # Submission refuses commitments of people with a 失信 record and opens the checks.
        commitment_control_register(CommitmentWork())
