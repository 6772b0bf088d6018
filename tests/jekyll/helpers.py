"""Small Jekyll archives written by the tests themselves, and a way to run the importer."""

from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command


def post_text(
    *,
    title="测试标题",
    date="2021-12-08 10:46:18",
    category="emnews",
    tag="东财滚动新闻",
    body="正文。",
    source_url="http://finance.eastmoney.com/news/1,1.html",
):
    source = f"\n\n<{source_url}>" if source_url is not None else ""
    return (
        f'---\nlayout: post\ntitle: "{title}"\ndate: {date}\n'
        f"categories: {category}\ntags: {tag}\n---\n\n{body}{source}"
    )


class Archive:
    """A Jekyll site root in a temporary folder: ``_posts/`` and ``category/``."""

    def __init__(self, root):
        self.root = Path(root)
        self.posts = self.root / "_posts"
        self.posts.mkdir(parents=True, exist_ok=True)
        (self.root / "_config.yml").write_text("title: 金融消息\n", encoding="utf-8")

    def write(self, name, content):
        path = self.posts / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    def post(self, upstream_id, *, day="2021-12-08", **fields):
        fields.setdefault("source_url", f"http://finance.eastmoney.com/news/1,{upstream_id}.html")
        return self.write(f"{day}-{upstream_id}.md", post_text(**fields))

    def category_page(self, old_slug, title):
        folder = self.root / "category"
        folder.mkdir(exist_ok=True)
        (folder / f"{old_slug}.html").write_text(
            f"---\nlayout: category\ntitle: {title}\ncategory: {old_slug}\n---", encoding="utf-8"
        )


def run_import(path, *args):
    """Run import_jekyll; return (stdout, stderr, exit status)."""
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_jekyll", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        code = error.returncode
        err.write(str(error))
    return out.getvalue(), err.getvalue(), code


def summary_counts(output):
    """{"new": 3, ...} from the command's summary lines."""
    counts = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in {
            "new",
            "updated",
            "unchanged",
            "duplicate",
            "kept",
            "failed",
        }:
            counts[parts[0]] = int(parts[1])
    return counts
