from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kuaiban.cases"
    verbose_name = "拆包分办"

    def ready(self) -> None:
        from kuaiban.applications.hooks import casework_register
        from kuaiban.cases.casework import SubCaseWork

        # Submission and the applicant's pages reach the sub-cases through this interface.
        casework_register(SubCaseWork())
