"""The push API for crawlers: ``POST /api/v1/items`` (see docs/INGEST.md).

django-ninja gives the token check, the OpenAPI description and the docs page.
The body is read here rather than by a schema: a request gets 400, 413 or 415
for what is wrong with it as a whole, and each item is checked on its own by
the pipeline, so one bad item is ``rejected`` while the others are stored.
"""

import json
import time
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from ingest import pipeline
from ingest.items import MAX_TAGS
from ingest.models import IngestToken

MAX_ITEMS = 500
MAX_BYTES = 5 * 1024 * 1024


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return IngestToken.objects.for_token(token)


class NewsApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        # The request body is read by hand (see the module docstring); describe it here.
        body = PushIn.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(body.pop("$defs", {}))
        components["PushIn"] = body
        return schema


api = NewsApi(
    title="finews 推送接口",
    version="1",
    description="爬虫推送新闻条目（docs/INGEST.md）。",
    urls_namespace="ingest_api",
    auth=BearerToken(),
)


# --- what the OpenAPI description says (the pipeline checks the items itself) ----------


class ItemIn(Schema):
    title: str | None = Field(None, max_length=300, description="标题；快讯可省略，取自 summary。")
    summary: str | None = Field(None, description="纯文本摘要；快讯的正文。")
    body_html: str | None = Field(None, description="HTML 正文；保存前清理。")
    url: str | None = Field(None, max_length=500, description="原文链接（http/https）。")
    external_id: str | int | None = Field(None, description="来源自己的编号。")
    source: str = Field(..., min_length=1, max_length=100, description="来源媒体，如 大众证券报。")
    category: str | None = Field(None, max_length=100, description="分类网址别名；默认按来源。")
    tags: list[str] | None = Field(None, max_length=MAX_TAGS)
    published_at: str | None = Field(
        None, description="ISO 8601；无时区按北京时间；省略为收到时间。"
    )
    kind: Literal["article", "flash"] = "article"
    important: bool = False


class PushIn(Schema):
    items: list[ItemIn] = Field(..., max_length=MAX_ITEMS)


class ResultOut(Schema):
    status: Literal["created", "updated", "unchanged", "duplicate", "kept", "rejected"]
    url: str | None
    errors: dict[str, list[str]]


class PushOut(Schema):
    results: list[ResultOut]
    counts: dict[str, int]


class ErrorOut(Schema):
    detail: str


# --- the endpoint --------------------------------------------------------------------


def _error(status, detail, **headers):
    response = JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return _error(
        401,
        "需要有效的推送令牌：Authorization: Bearer <token>。",
        WWW_Authenticate='Bearer realm="finews"',
    )


def _over_rate(token):
    """Seconds to wait when ``token`` used up this minute's requests, else 0."""
    now = time.time()
    window = int(now // 60)
    key = f"finews:ingest-rate:{token.pk}:{window}"
    cache.add(key, 0, 120)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 120)
        used = 1
    if used > settings.INGEST_RATE_PER_MINUTE:
        return max(1, int((window + 1) * 60 - now + 0.999))
    return 0


@api.post(
    "/items",
    response={
        200: PushOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
        429: ErrorOut,
    },
    summary="推送新闻条目",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushIn"}}},
        }
    },
)
def push_items(request):
    """Store up to 500 items; one result per item, in order."""
    token = request.auth
    wait = _over_rate(token)
    if wait:
        return _error(429, "请求过于频繁。", Retry_After=str(wait))
    content_type = request.content_type or ""
    if content_type != "application/json":
        return _error(415, "请求体应为 JSON（Content-Type: application/json）。")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _error(400, "Content-Length 无效。")
    if length > MAX_BYTES:
        return _error(413, f"请求体超过 {MAX_BYTES // (1024 * 1024)} MB。")
    # Read from the stream: request.body would refuse more than
    # DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) before this limit applies.
    raw = request.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return _error(413, f"请求体超过 {MAX_BYTES // (1024 * 1024)} MB。")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return _error(400, "请求体不是有效的 JSON。")
    if not isinstance(data, dict):
        return _error(400, '请求体应为 JSON 对象：{"items": [...]}。')
    items = data.get("items")
    if not isinstance(items, list):
        return _error(400, '缺少 items 列表：{"items": [...]}。')
    if len(items) > MAX_ITEMS:
        return _error(413, f"一次最多 {MAX_ITEMS} 条（收到 {len(items)} 条）。")
    results = pipeline.ingest(items, origin=token.name, draft=token.draft)
    token.record_use(len(items))
    return JsonResponse(
        {
            "results": [
                {
                    "status": result.status,
                    "url": request.build_absolute_uri(result.path) if result.path else None,
                    "errors": result.errors,
                }
                for result in results
            ],
            "counts": pipeline.count(results),
        },
        json_dumps_params={"ensure_ascii": False},
    )
