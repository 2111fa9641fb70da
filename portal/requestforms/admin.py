from django.contrib import admin
from django.urls import reverse
from django.utils.http import urlencode

from portal.config.current import absolute_url
from portal.config.snippet import snippet_html
from portal.requestforms.models import FormField, RequestForm


class FormFieldInline(admin.StackedInline):
    model = FormField
    extra = 0
    fields = [
        ("order", "kind", "required"),
        ("label", "label_de"),
        ("help", "help_de"),
        ("options", "options_de"),
    ]


@admin.register(RequestForm)
class RequestFormAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "active", "priority", "prefix_subject"]
    list_editable = ["order", "active"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        ("name", "name_de"),
        "slug",
        ("help_text", "help_text_de"),
        ("order", "active"),
        ("priority", "prefix_subject"),
    ]
    inlines = [FormFieldInline]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.pk:  # a saved form: its link and data-form snippet
            query = "?" + urlencode({"form": obj.slug})
            context |= {
                "form_link": absolute_url(request, reverse("tickets:submit") + query),
                "form_snippet": snippet_html(request, form=obj.slug),
            }
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
