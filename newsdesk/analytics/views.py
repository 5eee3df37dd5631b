from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import counting

# A transparent 1x1 GIF for the <noscript> pixel.
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@csrf_exempt  # no cookie, no state but a count: nothing for a forged request to abuse
@never_cache
@require_http_methods(["GET", "POST"])
def count_view(request, article_id: int):
    """The article page's beacon (POST) or pixel (GET): count a read, answer at once."""
    counting.record_view(request, article_id)
    counting.flush_if_due()
    if request.method == "GET":
        return HttpResponse(PIXEL, content_type="image/gif")
    return HttpResponse(status=204)
