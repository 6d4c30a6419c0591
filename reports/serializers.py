from django.conf import settings
from rest_framework import serializers

from reports.models import DocumentBuild


class FiguresSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    pending = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    declined = serializers.IntegerField()
    capacity = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    confirmed_by_gender = serializers.DictField(child=serializers.IntegerField())
    scheduled_sessions = serializers.IntegerField()
    sessions_without_trainers = serializers.IntegerField()
    registered_sessions = serializers.IntegerField()
    attended = serializers.IntegerField()
    attendance_rate = serializers.FloatField(allow_null=True)
    evaluations = serializers.IntegerField()
    evaluation_responses = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)


class DocumentKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    description = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
    downloads = serializers.DictField(child=serializers.URLField())


class BuildRequestSerializer(serializers.Serializer):
    format = serializers.CharField(max_length=10, default="pdf")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default="en")


class DocumentBuildSerializer(serializers.ModelSerializer):
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
