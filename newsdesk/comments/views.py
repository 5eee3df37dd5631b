"""Posting comments. Public pages hold the form; these views answer its POST, set no cookie
for guests, and show any problem in the page with what the reader typed kept."""

from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from newsdesk.articles.models import ArticlePage
from newsdesk.core.readers import network_hash, same_origin

from .forms import CommentForm, initial_form
from .models import Comment
from .services import Author, CommentRejected, comment_create
from .tasks import UNSUBSCRIBE_SALT
from .tokens import TokenError, check_token


def _form_page(request, article, form, *, message="", status=400, parent=None, retry_after=None):
    response = render(
        request,
        "comments/form_page.html",
        {"article": article, "form": form, "message": message, "parent": parent, "page": article},
        status=status,
    )
    add_never_cache_headers(response)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@csrf_exempt  # cached public pages carry no CSRF cookie: origin check and signed token instead
@require_POST
def post_comment(request, article_id: int):
    article = get_object_or_404(ArticlePage.objects.published(), pk=article_id)
    form = CommentForm(request.POST, user=request.user)
    parent = _parent(article, request.POST.get("parent"))
    if not same_origin(request):
        return _form_page(
            request,
            article,
            initial_form(article_id=article.pk, parent=parent, data=request.POST),
            message="Your comment did not come from our comment form, so it was not posted. "
            "Please send it again from here.",
            status=403,
        )
    if form.is_bot:
        return HttpResponseRedirect(f"{article.url}?comment=received#comments")
    try:
        check_token(request.POST.get("token", ""), article.pk)
    except TokenError as error:
        refreshed = initial_form(article_id=article.pk, parent=parent, data=request.POST)
        return _form_page(request, article, refreshed, message=str(error), parent=parent)
    if not form.is_valid():
        return _form_page(request, article, form, message="Please check the form.", parent=parent)
    data = form.cleaned_data
    author = Author(
        name=data["name"],
        email=data["email"],
        url=data["website"],
        user=request.user,
        network_hash=network_hash(request),
    )
    try:
        comment = comment_create(
            article=article,
            author=author,
            body=data["body"],
            parent_id=data["parent"],
            notify=data["notify"],
            submission=data["token"],
        )
    except CommentRejected as error:
        if error.field:
            form.add_error(error.field, error.message)
        return _form_page(
            request,
            article,
            form,
            message=error.message,
            status=error.status,
            parent=parent,
            retry_after=getattr(error, "retry_after", None),
        )
    if comment.status == Comment.Status.APPROVED:
        return HttpResponseRedirect(f"{article.url}?comment=published#{comment.anchor}")
    return HttpResponseRedirect(f"{article.url}?comment=received#comments")


def _parent(article, value):
    try:
        return Comment.objects.visible().filter(article=article, pk=int(value)).first()
    except (TypeError, ValueError):
        return None


@require_GET
def reply_form(request, article_id: int, comment_id: int):
    """The reply form on its own page, for readers without JavaScript."""
    article = get_object_or_404(ArticlePage.objects.published(), pk=article_id)
    parent = get_object_or_404(Comment.objects.visible(), article=article, pk=comment_id)
    form = initial_form(article_id=article.pk, parent=parent)
    response = render(
        request,
        "comments/form_page.html",
        {"article": article, "form": form, "parent": parent, "page": article},
    )
    add_never_cache_headers(response)
    return response


@csrf_exempt  # RFC 8058: mail clients POST here directly; the signed token is the credential
def unsubscribe(request, token: str):
    """One click stops every comment email to an address (GET asks, POST does it)."""
    try:
        email = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        Comment.objects.filter(author_email=email).update(notify=False)
        done = True
    response = render(request, "comments/unsubscribe.html", {"email": email, "done": done})
    add_never_cache_headers(response)
    return response
