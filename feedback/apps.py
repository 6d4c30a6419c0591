from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and knowledge tests")

    def ready(self):
        from config import shell
        from feedback.views import respond

        shell.add_tab("feedback", _("Feedback"), "feedback:list", order=70)
        shell.add_personal_section(
            "feedback", "feedback/personal_feedback.html", respond.personal_section, order=10
        )
        self._follow_in_the_audit_trail()

    def _follow_in_the_audit_trail(self):
        from audit.registry import follow, never_follow

        # An answer, a response, a sealed box or a submission could tie an anonymous answer
        # to a person: never recorded.
        never_follow(
            "feedback.Answer", "feedback.Response", "feedback.SealedResponse", "feedback.Submission"
        )
        follow(
            self.get_model("Questionnaire"),
            filed_under=lambda questionnaire: (questionnaire.workshop_id, None),
        )
        follow(
            self.get_model("Question"),
            filed_under=lambda question: (question.questionnaire.workshop_id, None),
        )
        follow(
            self.get_model("Choice"),
            filed_under=lambda choice: (choice.question.questionnaire.workshop_id, None),
        )
