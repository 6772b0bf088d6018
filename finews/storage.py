"""Static files in production: WhiteNoise's hashed, compressed files, URLs remembered."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Names come from templates ({% static %}): a handful. The bound only guards
# against a caller passing arbitrary names.
MAX_REMEMBERED = 1024


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    """``CompressedManifestStaticFilesStorage`` whose ``url()`` is computed once per name.

    Every page asks for the same few files (the style sheet, the scripts), and
    each ``url()`` looks the name up in the manifest, then joins and quotes it.
    The manifest is read once when the process starts, so a name's URL cannot
    change while the process runs: remembering it changes nothing that a
    reader sees. With DEBUG on (no manifest in use), nothing is remembered.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = super().url(name)
            if len(self._urls) < MAX_REMEMBERED:
                self._urls[name] = found
        return found
