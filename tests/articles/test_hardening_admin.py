"""Issue 13 item 9: what staff can type into the admin gets an answer, never a 500."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.articles.test_admin_saves import change_url, form_as_shown
from tests.factories import make_article
from tests.roles import chief

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:articles_article_changelist")


@pytest.fixture
def chief_client(client):
    client.force_login(chief())
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=9999",
        "published_at__year=99999999999999999999",
        "published_at__year=2021&published_at__month=99999999999999999999",
        "published_at__year=2021&published_at__month=2&published_at__day=99999999999999999999",
        "published_at__year=9999&published_at__month=12",
        "published_at__year=9999&published_at__month=12&published_at__day=31",
    ],
)
def test_change_list_dates_out_of_range_are_a_bad_filter(chief_client, query):
    """A drill-down date past year 9999 or too big a number: the unfiltered list, marked ?e=1."""
    make_article(title="日期过滤之外的文章")
    response = chief_client.get(f"{CHANGELIST_URL}?{query}")
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST_URL}?e=1"
    page = chief_client.get(response["Location"]).content.decode()
    assert "日期过滤之外的文章" in page


def test_change_list_last_valid_drill_down_still_works(chief_client):
    """The last whole year the drill-down can bound (9998) still filters normally."""
    make_article(title="日期过滤之外的文章")
    response = chief_client.get(f"{CHANGELIST_URL}?published_at__year=9998")
    assert response.status_code == 200
    assert "日期过滤之外的文章" not in response.content.decode()


@pytest.mark.parametrize("term", ["%00", "a%00b"])
def test_autocomplete_with_nul_is_a_400(chief_client, term):
    """The category autocomplete given a NUL is the guard's 400."""
    response = chief_client.get(
        f"/{settings.ADMIN_PATH}autocomplete/?app_label=articles&model_name=article"
        f"&field_name=category&term={term}"
    )
    assert response.status_code == 400


def test_article_form_tag_over_100_characters_is_a_form_error(chief_client):
    """A 101-character tag in the article form is shown as the field's error."""
    article = make_article()
    data = {**form_as_shown(chief_client, article), "tags": "超" * 101, "_save": "保存"}
    response = chief_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "标签最长 100 个字" in response.content.decode()
    assert not article.tags.exists()
