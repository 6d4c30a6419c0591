from django.conf import settings
from rest_framework import serializers

from integrations.rest import (
    StrictCharField,
    StrictIntegerField,
    StrictModelSerializer,
)
from reports.models import DocumentBuild


class FiguresSerializer(serializers.Serializer):
    confirmed = StrictIntegerField()
    waitlisted = StrictIntegerField()
    pending = StrictIntegerField()
    cancelled = StrictIntegerField()
    declined = StrictIntegerField()
    capacity = StrictIntegerField()
    seats_left = StrictIntegerField()
    confirmed_by_gender = serializers.DictField(child=StrictIntegerField())
    scheduled_sessions = StrictIntegerField()
    sessions_without_trainers = StrictIntegerField()
    registered_sessions = StrictIntegerField()
    attended = StrictIntegerField()
    attendance_rate = serializers.FloatField(allow_null=True)
    evaluations = StrictIntegerField()
    evaluation_responses = StrictIntegerField()
    response_rate = serializers.FloatField(allow_null=True)


class DocumentKindSerializer(serializers.Serializer):
    kind = StrictCharField()
    description = StrictCharField()
    formats = serializers.ListField(child=StrictCharField())
    downloads = serializers.DictField(child=serializers.URLField())


class BuildRequestSerializer(serializers.Serializer):
    format = StrictCharField(max_length=10, default="pdf")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default="en")


class DocumentBuildSerializer(StrictModelSerializer):
    download = serializers.SerializerMethodField()
    workshop = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = DocumentBuild
        fields = ["id", "workshop", "kind", "format", "language", "status", "error"]
        fields += ["requested_at", "built_at", "download"]
        read_only_fields = fields

    def get_download(self, build) -> str | None:
        if build.status != DocumentBuild.Status.BUILT:
            return None
        request = self.context.get("request")
        path = f"/api/v1/document-builds/{build.pk}/download/"
        return request.build_absolute_uri(path) if request else path
