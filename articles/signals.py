"""The data layer's announcement: what readers see has changed.

Sent by the write paths that Django's model signals do not cover (bulk
creates and updates, queryset deletes); articles/listeners.py connects it,
with post_save / post_delete / m2m_changed, to the content version. The
sender needs to know nothing about caching.

Arguments: ``due``, the publish times of articles the write may have
scheduled (it can only bring the next due time earlier through them), and
``recompute``: true when the write may have moved publish times in a way the
writer cannot see (an update with a database expression), so the next due
time must be looked up again.
"""

from django.dispatch import Signal

content_changed = Signal()
