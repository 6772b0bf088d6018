"""Merge tags that are one tag by articles.tagging.tag_key (NFKC + case fold).

Before one identity rule, the importer matched tags with lower() and the admin
with NFKC + casefold, so a full-width ＥＴＦ from the archive became a second
tag beside ETF. Each group of same-key tags keeps its oldest tag; the others'
article links move to it (an article linked to two of them keeps one link) and
they are deleted. Then every tag takes its normalised spelling, the one
``tags_for_names`` looks up and stores.
"""

from collections import defaultdict

from django.db import migrations

from articles.tagging import normalize_tag, tag_key


def _move_links(links, keeper, others, owner):
    """Point the links of ``others`` at ``keeper``, dropping those it would duplicate."""
    taken = set(links.filter(tag_id=keeper).values_list(*owner))
    moved, dropped = [], []
    for pk, *key in links.filter(tag_id__in=others).order_by("pk").values_list("pk", *owner):
        key = tuple(key)
        if key in taken:
            dropped.append(pk)
        else:
            taken.add(key)
            moved.append(pk)
    links.filter(pk__in=dropped).delete()
    links.filter(pk__in=moved).update(tag_id=keeper)


def merge_duplicate_tags(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    groups = defaultdict(list)
    for pk, name in Tag.objects.order_by("pk").values_list("pk", "name"):
        groups[tag_key(name)].append(pk)
    for pks in groups.values():
        if len(pks) < 2:
            continue
        keeper, others = pks[0], pks[1:]
        _move_links(TaggedArticle.objects, keeper, others, ["content_object_id"])
        _move_links(TaggedItem.objects, keeper, others, ["content_type_id", "object_id"])
        Tag.objects.filter(pk__in=others).delete()
    # Same-key names are merged now, so a normalised name cannot collide.
    for tag in Tag.objects.order_by("pk"):
        name = normalize_tag(tag.name)
        if name and name != tag.name:
            tag.name = name
            tag.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_perf_tag_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(merge_duplicate_tags, migrations.RunPython.noop),
    ]
