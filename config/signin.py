"""Sign-in: the page django-axes answers with once an account or an address is locked out."""

import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from config.rate_limit import rate_limited, too_many_requests


def locked_out(request, original_response=None, credentials=None):
    """429 with what happened, how long it lasts and how to get back in."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    response = render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, with our templates; the link in the e-mail points at
    SITE_URL, not at whatever Host header the request came with."""

    template_name = "registration/reset/form.html"
    email_template_name = "registration/reset/email.txt"
    subject_template_name = "registration/reset/subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)

    def post(self, request, *args, **kwargs):
        # Each request may send an e-mail: limited per address (config/rate_limit.py).
        wait = rate_limited(request, "password_reset")
        if wait:
            return too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)
