"""Text no page can store: refused at the door.

A NUL character cannot be stored in a PostgreSQL text column (the driver raises, and the
request would answer 500), and a lone surrogate cannot be encoded at all. Django's forms
refuse NUL in a CharField, but a token in a URL, a search box in the admin or a query
parameter reaches the database without a form. This middleware refuses such text wherever a
request carries it: in the path (404, as for any address that does not exist), in the query
string or a posted field (400, naming the field). Uploaded files are not text and are
checked by their importers, cell by cell.
"""

from django.http import Http404
from django.shortcuts import render

from config.text import IMPOSSIBLE, impossible


class ImpossibleTextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if impossible(request.path_info):
            raise Http404
        field = self._bad_field(request)
        if field is not None and request.path_info.startswith("/api/"):
            # The API's one error format, naming the field.
            from integrations.rest import impossible_text

            return impossible_text(IMPOSSIBLE.sub("", field))
        if field is not None:
            return render(
                request,
                "errors/impossible_text.html",
                {"field": IMPOSSIBLE.sub("", field)},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _bad_field(request) -> str | None:
        for name, values in request.GET.lists():
            if impossible(name) or any(impossible(value) for value in values):
                return name
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for name, values in request.POST.lists():
                if impossible(name) or any(impossible(value) for value in values):
                    return name
        return None
