from django.apps import AppConfig


class WagtailClinicTestsConfig(AppConfig):
    name = "tests.testapp"
    label = "wagtail_clinic_tests"
    default_auto_field = "django.db.models.BigAutoField"
