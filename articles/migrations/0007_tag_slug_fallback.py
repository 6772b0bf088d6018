"""Give every existing tag a slug the tag URLs can route (issue 13, item 1).

Tags named ``!!!`` or only emoji were stored with an empty slug, and every page
linking them answered 500. New tags get a routable slug on save
(articles.tagging.prepare_tag); this repairs the ones already stored, with the
same rule, written out here so the migration does not change if the app code
does. Existing routable slugs (and so their URLs) are left as they are.
"""

import hashlib
import re

from django.db import migrations
from django.utils.text import slugify

ROUTABLE_SLUG = re.compile(r"[-\w]+")


def _fallback(name, taken):
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    for length in range(10, len(digest) + 1):
        slug = "t-" + digest[:length]
        if slug not in taken:
            return slug
    raise RuntimeError(f"no free slug for tag {name!r}")


def repair_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    broken = [
        (pk, name)
        for pk, name, slug in Tag.objects.values_list("pk", "name", "slug").iterator()
        if not ROUTABLE_SLUG.fullmatch(slug or "")
    ]
    if not broken:
        return
    taken = set(Tag.objects.values_list("slug", flat=True))
    for pk, name in broken:
        slug = slugify(name, allow_unicode=True)[:100]
        if not ROUTABLE_SLUG.fullmatch(slug) or slug in taken:
            slug = _fallback(name, taken)
        taken.add(slug)
        Tag.objects.filter(pk=pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_article_kind_important"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(repair_slugs, migrations.RunPython.noop)]
