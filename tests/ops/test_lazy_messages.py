"""Message storage is built only when a message is used, and messages still reach the editor."""

import pytest
from django.contrib.messages import middleware as django_messages
from django.urls import reverse

from articles.models import Article
from ops import middleware
from tests.factories import article_form_data, make_article
from tests.roles import editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage_builds(monkeypatch):
    """The requests that built a message storage, in order."""
    built = []
    real = middleware.default_storage

    def counting(request):
        built.append(request.path)
        return real(request)

    # Both names: ours, and Django's own middleware's (were it put back in MIDDLEWARE).
    monkeypatch.setattr(middleware, "default_storage", counting)
    monkeypatch.setattr(django_messages, "default_storage", counting)
    return built


def test_reader_pages_build_no_message_storage(client, storage_builds):
    """An article page, a list and the home page neither build the storage nor set its cookie."""
    article = make_article(title="读者页面READERpage")
    for path in ("/", article.get_absolute_url(), article.category.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 200
        assert "messages" not in response.cookies
    assert storage_builds == []


def test_the_admins_message_reaches_the_next_page(client, storage_builds):
    """Saving an article in the admin shows its success message on the page it redirects to."""
    client.force_login(editor())
    data = article_form_data(title="消息测试MESSAGEtitle", slug="message-test")
    response = client.post(reverse("admin:articles_article_add"), data, follow=True)
    article = Article.objects.get(slug="message-test")
    body = response.content.decode()
    assert response.redirect_chain, "the admin redirects after a save"
    # The message itself (the list below it also shows the title): it names and links the article.
    message = body.split('class="messagelist"', 1)[1].split("</ul>", 1)[0]
    assert "消息测试MESSAGEtitle" in message
    assert f"/{article.pk}/change/" in message
    # Built for the save (the message added) and for the page that showed it.
    assert storage_builds[0] == reverse("admin:articles_article_add")
    assert len(storage_builds) == 2
