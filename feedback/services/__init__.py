"""The feedback rules, in one place: the participant's form, the organisers' pages, the admin,
the commands and the demo all change questionnaires and answers through these functions.

The rules of an answer (``submit_response``), checked whole before anything is written, so
that a refusal saves nothing and names every question it is about:

- Only a confirmed registration of the questionnaire's own workshop may answer, and only
  while the questionnaire is open (its open date set and past, its close date not yet).
- Once: the ``Submission`` row (unique per questionnaire and registration) says who has
  answered; a second submission is refused, even two at once (the constraint decides).
- Every answer is to a question of this questionnaire; a rating is a whole number from 1
  to 5; a choice is one of the question's choices (several only where the question allows
  several, each once); a text has no NUL character and at most 5,000 characters; every
  required question is answered.
- Anonymous answers go to the sealed box, never straight to the results
  (``feedback.anonymity``); named ones (knowledge tests) are written at once.

The timetable items (``sync_timetable_items``): one "rate this session" question per taught
session and one "rate this trainer" question per trainer who teaches in it, kept in step
when the timetable changes. ``events`` cannot call ``feedback`` (imports flow the other
way), so the feedback pages call the sync when an organiser opens the questionnaire or its
results, and before invitations are sent.
"""

from feedback.services.answering import (
    TEXT_MAX_LENGTH,
    FeedbackError,
    SubmissionRefused,
    Submitted,
    check_may_answer,
    close_questionnaire,
    is_open,
    question_field,
    submit_response,
    validate_answers,
)
from feedback.services.editing import (
    DEFAULT_EVALUATION,
    QuestionData,
    SyncResult,
    add_default_evaluation,
    add_question,
    copy_questionnaire,
    create_questionnaire,
    delete_question,
    keep_timetable_items_in_step,
    move_question,
    set_quotable,
    sync_timetable_items,
    update_question,
    update_questionnaire,
)
from feedback.services.invitations import (
    language_of,
    recipients,
    respond_url,
    send_due,
    send_invitations,
)

__all__ = [
    "DEFAULT_EVALUATION",
    "TEXT_MAX_LENGTH",
    "FeedbackError",
    "QuestionData",
    "SubmissionRefused",
    "Submitted",
    "SyncResult",
    "add_default_evaluation",
    "add_question",
    "check_may_answer",
    "close_questionnaire",
    "copy_questionnaire",
    "create_questionnaire",
    "delete_question",
    "is_open",
    "keep_timetable_items_in_step",
    "language_of",
    "move_question",
    "question_field",
    "recipients",
    "respond_url",
    "send_due",
    "send_invitations",
    "set_quotable",
    "submit_response",
    "sync_timetable_items",
    "update_question",
    "update_questionnaire",
    "validate_answers",
]
