"""Log-in and password-reset pages with the shared rate limits (``vendorhub.ratelimit``).

Django's views do the work; these subclasses only put the limits in front of them. The
log-in page refuses (429, with ``Retry-After``) once the client address has made too
many attempts — whatever usernames it tried — or once the username has collected too
many wrong passwords from anywhere. django-axes still locks a username+address pair
after ``AXES_FAILURE_LIMIT`` failures. The reset page never says whether an address has
an account: over a limit it answers exactly as it does after sending, and sends nothing.
A new password (changed or reset) revokes the user's API tokens: whoever forced the
change was shutting someone out, and a token must not outlive that.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from .ratelimit import Verdict, login_attempt, login_failed, password_reset_attempt
from .tokens import api_tokens_revoke


def throttled_response(request, verdict: Verdict) -> HttpResponse:
    minutes = max(1, round(verdict.retry_after / 60))
    response = render(request, "registration/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        verdict = login_attempt(request, request.POST.get("username", ""))
        if not verdict.allowed:
            return throttled_response(request, verdict)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failed(self.request.POST.get("username", ""))
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        if not password_reset_attempt(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())  # the same answer, no e-mail
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        api_tokens_revoke(user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        api_tokens_revoke(user=form.user)
        return response
