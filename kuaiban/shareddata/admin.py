from django.contrib import admin

from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.shareddata.models import Enterprise, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["name", "masked_id", "gender", "birth_date", "masked_phone", "region_code"]
    search_fields = ["=id_number", "name"]
    list_filter = ["generated"]
    list_per_page = 50
    show_full_result_count = False  # the table may hold millions of generated people

    @admin.display(description="居民身份证号")
    def masked_id(self, person: Person) -> str:
        return mask_id_number(person.id_number)

    @admin.display(description="手机号")
    def masked_phone(self, person: Person) -> str:
        return mask_phone(person.phone) if person.phone else ""


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin[Enterprise]):
    list_display = ["name", "credit_code", "legal_representative", "region_code"]
    search_fields = ["=credit_code", "name"]
    list_filter = ["generated"]
    show_full_result_count = False
