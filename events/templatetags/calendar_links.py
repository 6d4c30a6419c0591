"""Links to calendar feeds: the subscribe (webcal://), download and copyable addresses."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


def _absolute(context, url: str) -> str:
    if "://" in url:
        return url
    request = context.get("request")
    # The address the page was reached at, when there is a page; else the configured site.
    return request.build_absolute_uri(url) if request is not None else f"{settings.SITE_URL}{url}"


@register.simple_tag(takes_context=True)
def calendar_links(context, feed_url: str) -> dict[str, str]:
    """The three forms of a feed's address: ``https`` (or http), ``webcal`` and ``download``.

    ``feed_url`` may be absolute or a path. Calendar programs open webcal:// links as
    subscriptions; ``download`` asks the same feed as an attachment.
    """
    address = _absolute(context, feed_url)
    rest = address.split("://", 1)[1]
    separator = "&" if "?" in address else "?"
    return {
        "https": address,
        "webcal": f"webcal://{rest}",
        "download": f"{address}{separator}download=1",
    }


@register.simple_tag(takes_context=True)
def absolute_url(context, name: str, *args, **kwargs) -> str:
    """``{% url %}``, made absolute: feed addresses leave the site, into calendar programs."""
    return _absolute(context, reverse(name, args=args, kwargs=kwargs))
