from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "新闻"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
        from taggit.models import Tag

        from articles import history  # noqa: F401  (connects the version signal)
        from articles.caching import bump_content_version
        from articles.models import Article, Category, TaggedArticle
        from articles.tagging import prepare_tag

        # Every tag, however it is saved, gets a clean name and a routable slug.
        pre_save.connect(prepare_tag, sender=Tag, dispatch_uid="prepare-tag")

        # Any change to what readers see makes cached pages and counts stale.
        for model in (Article, Category, TaggedArticle, Tag):
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model}")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"del-{model}")
        m2m_changed.connect(
            bump_content_version, sender=TaggedArticle, dispatch_uid="bump-article-tags"
        )
