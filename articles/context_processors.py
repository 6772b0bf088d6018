from django.conf import settings


def site(request):
    """Values every page template uses."""
    return {"SITE_NAME": settings.SITE_NAME}
