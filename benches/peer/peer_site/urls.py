from django.urls import include, path

urlpatterns = [
    # Headless API; with HEADLESS_CLIENTS = ("app",) the login endpoint is
    # POST /_allauth/app/v1/auth/login
    path("_allauth/", include("allauth.headless.urls")),
]
