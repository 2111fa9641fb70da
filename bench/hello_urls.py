"""The portal's URLs plus /bench/hello/: the framework's floor behind the same middleware."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urls


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world")


urlpatterns = [path("bench/hello/", hello), *portal_urls]
