"""Pages: a user's API tokens, and an organiser's webhooks with their delivery log.

Secrets (a token's, a webhook's signing secret) are shown once, on the page right after
they are made, from the session, never again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events.queries import is_organiser, organised_workshops
from integrations import tokens, webhooks
from integrations.models import ApiToken, Webhook, WebhookAttempt, WebhookDelivery
from integrations.pages.forms import TokenForm, WebhookForm

SHOWN_ONCE = "integrations-secret"


def _secret_once(request) -> str:
    return request.session.pop(SHOWN_ONCE, "")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request):
    """Your tokens: make one (its secret shown once), see when each was last used, revoke."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, secret = tokens.create_token(
            user=request.user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
        )
        request.session[SHOWN_ONCE] = secret
        return redirect("integrations:tokens")
    return render(
        request,
        "integrations/tokens.html",
        {
            "form": form,
            "tokens": tokens.user_tokens(request.user),
            "secret": _secret_once(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("integrations:tokens")


def webhooks_of(user):
    """Webhooks ``user`` may see and manage: theirs, for workshops they still organise."""
    return Webhook.objects.filter(
        owner=user, workshop__in=organised_workshops(user).values("pk")
    ).select_related("workshop")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def webhook_list(request):
    if not is_organiser(request.user):
        raise Http404
    form = WebhookForm(request.POST or None, workshops=organised_workshops(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            webhook = webhooks.create_webhook(
                owner=request.user,
                workshop=form.cleaned_data["workshop"],
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[SHOWN_ONCE] = webhook.secret
            return redirect("integrations:webhook_detail", pk=webhook.pk)
    return render(
        request,
        "integrations/webhooks.html",
        {"form": form, "webhooks": webhooks_of(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def webhook_detail(request, pk: int):
    """A webhook's last deliveries with every attempt and its answer; resend one."""
    webhook = get_object_or_404(webhooks_of(request.user), pk=pk)
    deliveries = webhook.deliveries.prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number", "pk"))
    ).order_by("-created_at", "-pk")[:50]
    return render(
        request,
        "integrations/webhook_detail.html",
        {
            "webhook": webhook,
            "deliveries": deliveries,
            "secret": _secret_once(request),
            "event_labels": dict(Webhook.Event.choices),
        },
    )


@login_required
@require_POST
def webhook_resend(request, pk: int, delivery_pk: int):
    webhook = get_object_or_404(webhooks_of(request.user), pk=pk)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, webhook=webhook)
    webhooks.resend(delivery)
    messages.success(request, _("The delivery is queued to be sent again."))
    return redirect("integrations:webhook_detail", pk=webhook.pk)


@login_required
@require_POST
def webhook_delete(request, pk: int):
    webhook = get_object_or_404(webhooks_of(request.user), pk=pk)
    webhook.delete()
    messages.success(request, _("The webhook is deleted."))
    return redirect("integrations:webhooks")
