"""POST /api/v1/items: the contract as a crawler sees it, and the whole-request errors."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article
from ingest.items import FIELDS
from ingest.models import IngestToken
from tests.ingest.conftest import ITEMS_URL, flash

pytestmark = pytest.mark.django_db


class TestContract:
    def test_results_in_order_with_counts(self, push):
        """One result per item, in order, with absolute URLs and counts of every status."""
        response = push([flash(1), {"title": "缺来源"}, flash(1)])
        assert response.status_code == 200
        data = response.json()
        assert [r["status"] for r in data["results"]] == ["created", "rejected", "duplicate"]
        article = Article.objects.get()
        assert data["results"][0]["url"] == f"http://testserver{article.get_absolute_url()}"
        assert data["results"][2]["url"] == data["results"][0]["url"]
        assert data["results"][1] == {
            "status": "rejected",
            "url": None,
            "errors": {"source": ["必填。"]},
        }
        assert data["counts"] == {
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "duplicate": 1,
            "kept": 0,
            "rejected": 1,
        }

    def test_repush_unchanged_and_updated(self, push):
        """Pushing again: unchanged; with new text: updated, same URL."""
        first = push([flash(1), flash(2)]).json()["results"]
        again = push([flash(1), flash(2, summary="【快讯标题2】更新。")]).json()["results"]
        assert [r["status"] for r in again] == ["unchanged", "updated"]
        assert [r["url"] for r in again] == [r["url"] for r in first]

    def test_draft_token_makes_drafts(self, push):
        """A --draft token's new items are drafts."""
        _, secret = IngestToken.issue("审核爬虫", draft=True)
        response = push([flash(1)], secret=secret)
        assert response.json()["results"][0]["status"] == "created"
        assert Article.objects.get().status == Article.Status.DRAFT

    def test_token_use_recorded(self, push, token):
        push([flash(1), flash(2), flash(3)])
        record = IngestToken.objects.get()
        assert record.items_in == 3 and record.last_used_at is not None

    def test_no_csrf_needed(self, client, token):
        """Token auth: no CSRF token asked for, even with CSRF checks on."""
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        response = strict.post(
            ITEMS_URL,
            data=json.dumps({"items": [flash(1)]}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200


class TestBadRequests:
    def _post(self, client, body, *, token, content_type="application/json", **extra):
        return client.post(
            ITEMS_URL,
            data=body,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Bearer {token}",
            **extra,
        )

    @pytest.mark.parametrize(
        "body",
        ["{not json", "[1, 2]", '"items"', '{"items": {"a": 1}}', "{}", "\ufeff{"],
    )
    def test_400_with_json_body(self, client, token, body):
        """Not JSON, not an object, no items list: 400 with a JSON error, never a 500."""
        response = self._post(client, body, token=token)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]

    def test_401_without_token(self, client):
        response = client.post(ITEMS_URL, data="{}", content_type="application/json")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["detail"]

    def test_401_unknown_and_revoked_token(self, client, token):
        assert self._post(client, '{"items": []}', token="fn_wrong").status_code == 401
        call_command("ingest_token", "revoke", "测试爬虫")
        response = self._post(client, '{"items": []}', token=token)
        assert response.status_code == 401
        assert "WWW-Authenticate" in response

    def test_401_session_is_not_enough(self, admin_client):
        """A logged-in editor without a token is refused: no session auth on this API."""
        response = admin_client.post(ITEMS_URL, data="{}", content_type="application/json")
        assert response.status_code == 401

    def test_413_too_many_items(self, client, token):
        body = json.dumps({"items": [flash(i) for i in range(501)]})
        response = self._post(client, body, token=token)
        assert response.status_code == 413
        assert Article.objects.count() == 0

    def test_413_too_big(self, client, token):
        body = json.dumps(
            {"items": [{"source": "甲报", "title": "大", "body_html": "x" * 5_300_000}]}
        )
        response = self._post(client, body, token=token)
        assert response.status_code == 413
        assert Article.objects.count() == 0

    def test_body_over_django_upload_limit_accepted(self, client, token):
        """3 MB (over Django's 2.5 MB default, under 5 MB) is read and stored."""
        body = json.dumps(
            {"items": [{"source": "甲报", "title": "三兆", "body_html": "<p>" + "字" * 1_000_000}]},
            ensure_ascii=False,
        )
        assert len(body.encode()) > 2_621_440
        response = self._post(client, body, token=token)
        assert response.status_code == 200
        assert response.json()["results"][0]["status"] == "created"

    @pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
    def test_415_not_json(self, client, token, content_type):
        response = self._post(client, '{"items": []}', token=token, content_type=content_type)
        assert response.status_code == 415

    def test_429_over_rate(self, client, token, settings):
        """Over the token's rate: 429 with Retry-After; other tokens are not affected."""
        settings.INGEST_RATE_PER_MINUTE = 2
        for _ in range(2):
            assert self._post(client, '{"items": []}', token=token).status_code == 200
        response = self._post(client, '{"items": []}', token=token)
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        _, other = IngestToken.issue("另一个爬虫")
        assert self._post(client, '{"items": []}', token=other).status_code == 200
        cache.clear()

    def test_get_not_allowed(self, client, token):
        response = client.get(ITEMS_URL, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 405


class TestDescription:
    def test_openapi_describes_items(self, client):
        """The OpenAPI description documents every field the pipeline reads."""
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        schema = response.json()
        operation = schema["paths"]["/api/v1/items"]["post"]
        assert "requestBody" in operation
        item = schema["components"]["schemas"]["ItemIn"]
        assert set(item["properties"]) == set(FIELDS)
        assert schema["components"]["securitySchemes"]

    def test_docs_served_without_cdn(self, client):
        """The docs page loads Swagger UI from this site's static files only."""
        response = client.get("/api/v1/docs")
        assert response.status_code == 200
        html = response.content.decode()
        assert "/static/ninja/swagger-ui-bundle.js" in html
        assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html

    def test_page_cache_never_stores_api(self, client, settings):
        """The API's GET answers are not stored by the page cache."""
        settings.PAGE_CACHE_ENABLED = True
        client.get("/api/v1/openapi.json")
        response = client.get("/api/v1/openapi.json")
        assert "X-Page-Cache" not in response


class TestTokenCommand:
    def test_create_prints_token_last_and_stores_hash(self, capsys):
        call_command("ingest_token", "create", "命令行爬虫", "--draft")
        secret = capsys.readouterr().out.strip().splitlines()[-1]
        token = IngestToken.objects.get(name="命令行爬虫")
        assert token.draft
        assert secret not in token.key_hash
        assert IngestToken.objects.for_token(secret) == token

    def test_list(self, capsys, push):
        push([flash(1)])
        call_command("ingest_token", "list")
        out = capsys.readouterr().out
        assert "测试爬虫" in out and "active" in out

    def test_admin_lists_tokens(self, admin_client, token):
        response = admin_client.get("/admin/ingest/ingesttoken/")
        assert response.status_code == 200
        assert "测试爬虫" in response.content.decode()
        assert token not in response.content.decode()


class TestTokenAdmin:
    def test_admin_creates_token_shown_once(self, admin_client):
        """Adding a token in the admin shows its secret once and stores only the hash."""
        response = admin_client.post(
            "/admin/ingest/ingesttoken/add/", {"name": "后台爬虫", "draft": "on"}, follow=True
        )
        assert response.status_code == 200
        messages = [str(m) for m in response.context["messages"]]
        secret = next(m for m in messages if "fn_" in m).split("：", 1)[1]
        token = IngestToken.objects.get(name="后台爬虫")
        assert token.draft
        assert IngestToken.objects.for_token(secret) == token
        assert secret not in token.key_hash

    def test_admin_revoke_action(self, admin_client, token):
        record = IngestToken.objects.get()
        admin_client.post(
            "/admin/ingest/ingesttoken/",
            {"action": "revoke", "_selected_action": [record.pk]},
        )
        assert IngestToken.objects.for_token(token) is None
