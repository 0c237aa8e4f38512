from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fazhi_web.accounts.views import SignInView, account_security
from fazhi_web.api.api import api

urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/security/", account_security, name="account-security"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("fazhi_web.plans.urls")),
    path("", include("fazhi_web.tracking.urls")),
    path("", include("fazhi_web.jobs.urls")),
]

handler403 = "fazhi_web.plans.views.errors.forbidden"
handler404 = "fazhi_web.plans.views.errors.not_found"
handler500 = "fazhi_web.plans.views.errors.server_error"
