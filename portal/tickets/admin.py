from django.contrib import admin

from portal.tickets.models import StatusWording


@admin.register(StatusWording)
class StatusWordingAdmin(admin.ModelAdmin):
    list_display = ["status", "label", "expectation"]
