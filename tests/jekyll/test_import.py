"""import_jekyll: what lands in the database, re-runs, bad files, interruptions, exit status."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest

from articles.models import Article, Category, TaggedArticle
from jekyll import importer as importer_module
from jekyll.management.commands.import_jekyll import HOLD_ENV
from jekyll.models import CategoryAlias, ImportedPost
from jekyll.parser import BEIJING
from tests.factories import make_article, make_category
from tests.jekyll.helpers import Archive, post_text, run_import, summary_counts

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
NW_SLUG = "nw202205192385065243"


@pytest.fixture
def archive(tmp_path):
    return Archive(tmp_path / "site")


class TestCorpus:
    def test_every_corpus_post_imports(self, corpus_dir):
        """Every post of ../shared/corpus imports, none fails."""
        out, err, code = run_import(corpus_dir)
        posts = len(list((corpus_dir / "_posts").glob("*.md")))
        assert code == 0, err
        assert summary_counts(out) == {
            "new": posts,
            "updated": 0,
            "unchanged": 0,
            "duplicate": 0,
            "kept": 0,
            "failed": 0,
        }
        assert Article.objects.published().count() == posts
        assert ImportedPost.objects.count() == posts

    def test_sample_article_fields(self, corpus_dir, client):
        """The issue's sample post lands with exactly the listed fields, without back links."""
        run_import(corpus_dir / "_posts")
        article = Article.objects.get(slug=NW_SLUG)
        assert article.title == "郑州银行：零售金融服务有温度 践行“心金融”"
        assert article.published_at == datetime(2022, 5, 19, 16, 10, 23, tzinfo=BEIJING)
        assert article.category.slug == "dazhongzhengquanbao"
        assert article.category.name == "大众证券报"
        assert list(article.tags.names()) == ["大众证券报新闻"]
        assert article.source_url == (
            "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202205192385065243"
        )
        assert article.source_name == "大众证券报"
        assert article.body.count("<p>") >= 20
        assert "<strong>特殊时期不停摆，郑银零售暖心送出“零距离”服务</strong>" in article.body
        assert "返回大众证券报新闻" not in article.body
        assert "返回首页" not in article.body
        assert "文章来源" not in article.body
        assert article.summary.startswith("疫情防控关键时期，郑州银行第一时间启动")
        response = client.get(f"/news/{NW_SLUG}/")
        assert response.status_code == 200
        assert "郑州银行：零售金融服务有温度" in response.content.decode()

    def test_corpus_categories(self, corpus_dir):
        """Corpus categories get their names from tags when the page title is only the slug."""
        run_import(corpus_dir)
        assert Category.objects.get(slug="emnews").name == "东财滚动新闻"
        assert CategoryAlias.objects.get(old_slug="dazhongzhengquanbao").category.name == (
            "大众证券报"
        )

    def test_second_run_changes_nothing(self, corpus_dir):
        """Importing the same archive twice changes nothing the second time."""
        run_import(corpus_dir)
        before = list(Article.objects.order_by("pk").values())
        out, _, code = run_import(corpus_dir)
        assert code == 0
        counts = summary_counts(out)
        assert counts["new"] == counts["updated"] == 0
        assert counts["unchanged"] == len(before)
        assert list(Article.objects.order_by("pk").values()) == before


class TestOddFiles:
    def test_odd_but_valid_files_import(self, archive):
        """BOM, CRLF, a blank first line, no final newline and a broken date all import."""
        archive.write("2021-12-08-100000000000000001.md", "\ufeff" + post_text(title="带BOM"))
        archive.write(
            "2021-12-08-100000000000000002.md",
            post_text(title="CRLF行尾", source_url="http://a.example/2").replace("\n", "\r\n"),
        )
        archive.write(
            "2021-12-08-100000000000000003.md",
            "\n" + post_text(title="前有空行", source_url="http://a.example/3"),
        )
        archive.write(
            "2021-12-09-100000000000000004.md",
            post_text(title="坏日期", date=" +0800", source_url="http://a.example/4"),
        )
        archive.write(
            "2021-12-08-100000000000000005.md",
            post_text(title="", body="空标题的快讯。第二句。", source_url="http://a.example/5"),
        )
        out, err, code = run_import(archive.root)
        assert code == 0, err
        assert summary_counts(out)["new"] == 5
        titles = set(Article.objects.values_list("title", flat=True))
        assert titles == {"带BOM", "CRLF行尾", "前有空行", "坏日期", "空标题的快讯"}
        broken = Article.objects.get(title="坏日期")
        assert broken.published_at == datetime(2021, 12, 9, tzinfo=BEIJING)
        assert "unreadable date" in out
        assert "empty title" in out

    def test_bad_files_are_listed_and_the_rest_imports(self, archive):
        """Unreadable, non-UTF-8, front-matter-less, bad-YAML and empty files are listed; exit 1."""
        archive.post("200000000000000001", title="好文章GOODq8")
        archive.write("2021-12-08-200000000000000002.md", "标题\n\n没有前言".encode("gbk"))
        archive.write("2021-12-08-200000000000000003.md", "只有正文，没有前言")
        archive.write("2021-12-08-200000000000000004.md", '---\ntitle: "未闭合\n---\n正文')
        archive.write("2021-12-08-200000000000000005.md", "")
        os.symlink(archive.root / "missing.md", archive.posts / "2021-12-08-200000000000000006.md")
        out, err, code = run_import(archive.root)
        assert code == 1
        assert summary_counts(out)["failed"] == 5
        assert summary_counts(out)["new"] == 1
        for name, reason in [
            ("200000000000000002.md", "not UTF-8"),
            ("200000000000000003.md", "no front matter"),
            ("200000000000000004.md", "not valid YAML"),
            ("200000000000000005.md", "empty file"),
            ("200000000000000006.md", "symbolic link; not followed"),
        ]:
            assert any(name in line and reason in line for line in out.splitlines()), name
        assert "could not be imported" in err
        assert list(Article.objects.values_list("title", flat=True)) == ["好文章GOODq8"]

    def test_quiet_prints_only_failures(self, archive):
        """--quiet prints no summary; failed files still go to stderr."""
        archive.post("300000000000000001")
        archive.write("2021-12-08-300000000000000002.md", "没有前言")
        out, err, code = run_import(archive.root, "--quiet")
        assert out == ""
        assert "300000000000000002.md: no front matter" in err
        assert code == 1

    def test_not_an_archive_exit_status(self, tmp_path):
        """A PATH that is no archive exits with status 2 and says so."""
        _, err, code = run_import(tmp_path / "nowhere")
        assert code == 2
        assert "Not a Jekyll archive" in err


class TestCategories:
    def test_page_title_names_the_category(self, archive):
        """A category page whose title is a real name names the category, over the tag."""
        archive.category_page("FTzhongwenwang", "FT中文网新闻")
        archive.post("920000000000000001", category="FTzhongwenwang", tag="英国金融时报新闻")
        run_import(archive.root)
        category = Category.objects.get()
        assert (category.name, category.slug) == ("FT中文网", "ftzhongwenwang")

    def test_page_title_that_is_only_the_slug_gives_way_to_the_tag(self, archive):
        """A page titled with the slug re-cased (Dazhongzhengquanbao) is no name: the tag is."""
        archive.category_page("dazhongzhengquanbao", "Dazhongzhengquanbao")
        archive.post("920000000000000002", category="dazhongzhengquanbao", tag="大众证券报新闻")
        run_import(archive.root)
        assert Category.objects.get().name == "大众证券报"

    def test_existing_category_is_reused(self, archive):
        """An editor's category with the same name is reused and gets the old slug as alias."""
        existing = make_category(name="大众证券报", slug="dzzqb")
        archive.post("920000000000000003", category="dazhongzhengquanbao", tag="大众证券报新闻")
        run_import(archive.root)
        assert Article.objects.get().category == existing
        assert CategoryAlias.objects.get().old_slug == "dazhongzhengquanbao"

    def test_numbered_slug_already_taken_by_an_editor(self, archive):
        """A case variant whose numbered slug an editor already uses gets the next free one."""
        make_category(name="编辑建的分类", slug="techweb-2")
        archive.category_page("TechWeb", "中国网科技新闻")
        archive.category_page("Techweb", "大江网新闻")
        archive.post("920000000000000004", category="Techweb", tag="大江网新闻")
        _, err, code = run_import(archive.root)
        assert code == 0, err
        assert Category.objects.get(name="大江网").slug == "techweb-3"


class TestIdentity:
    def test_duplicate_source_url_is_reported_not_stored(self, archive):
        """A second post with an already-owned source URL is a reported duplicate."""
        archive.post("400000000000000001", title="原稿ORIGz1", source_url="http://a.example/same")
        archive.post("400000000000000002", title="重复DUPz2", source_url="http://a.example/same")
        out, _, code = run_import(archive.root)
        assert code == 0
        assert summary_counts(out)["duplicate"] == 1
        assert Article.objects.filter(source_url="http://a.example/same").count() == 1
        assert not Article.objects.filter(title="重复DUPz2").exists()
        assert "400000000000000002.md: source URL" in out
        # Still recorded, so a re-run skips it and its old URL finds the article.
        out, _, _ = run_import(archive.root)
        assert summary_counts(out)["unchanged"] == 2

    def test_duplicate_across_runs(self, archive):
        """A later post whose source URL was imported before is a duplicate too."""
        archive.post("400000000000000011", source_url="http://a.example/again")
        run_import(archive.root)
        archive.post("400000000000000012", source_url="http://a.example/again")
        out, _, _ = run_import(archive.root)
        assert summary_counts(out)["duplicate"] == 1
        assert Article.objects.count() == 1

    def test_existing_article_is_found_by_source_url(self, archive):
        """An article already in the portal with the post's source URL is that post."""
        existing = make_article(title="门户里已有EXISTk4", source_url="http://a.example/known")
        archive.post("400000000000000021", title="旧站标题", source_url="http://a.example/known")
        out, _, _ = run_import(archive.root)
        assert summary_counts(out)["new"] == 0
        assert Article.objects.count() == 1
        assert ImportedPost.objects.get().article == existing

    def test_upstream_id_is_the_article_slug(self, archive):
        """The imported article's URL is /news/<upstream id lowercased>/."""
        archive.post("NW202205192385065243", day="2022-05-19")
        run_import(archive.root)
        assert Article.objects.get().get_absolute_url() == f"/news/{NW_SLUG}/"


class TestDeterministic:
    """Two files of one archive claiming one story: the earliest-published is the article."""

    @staticmethod
    def _import_in_order(archive, reverse):
        real = importer_module.iter_post_files

        def ordered(posts_dir, on_skipped=None):
            entries = list(real(posts_dir, on_skipped=on_skipped))
            return iter(sorted(entries, key=lambda entry: entry.name, reverse=reverse))

        with mock.patch.object(importer_module, "iter_post_files", ordered):
            return run_import(archive.root)

    @pytest.mark.parametrize("reverse", [False, True], ids=["original-first", "repost-first"])
    def test_republication_never_wins_over_the_original(self, archive, client, reverse):
        """A later 转载 under its own id with the original's URL is the duplicate, either order."""
        url = "http://finance.eastmoney.com/news/1,original.html"
        archive.post(
            "610000000000000002",
            day="2021-12-09",
            title="转载的副本REPOSTd2",
            date="2021-12-09 08:00:00",
            source_url=url,
        )
        archive.post(
            "610000000000000001",
            day="2021-12-08",
            title="最早的原稿ORIGINALd1",
            date="2021-12-08 08:00:00",
            source_url=url,
        )
        out, _, code = self._import_in_order(archive, reverse)
        assert code == 0, out
        assert summary_counts(out)["new"] == 1
        assert summary_counts(out)["duplicate"] == 1
        article = Article.objects.get()
        assert (article.slug, article.title) == ("610000000000000001", "最早的原稿ORIGINALd1")
        assert "2021-12-09-610000000000000002.md: source URL or id already belongs" in out
        assert not Article.objects.filter(title__contains="REPOSTd2").exists()
        # The republication's old URL leads to the original.
        response = client.get("/emnews/2021/12/09/610000000000000002.html")
        assert response.status_code == 301
        assert response["Location"] == "/news/610000000000000001/"

    @pytest.mark.parametrize("reverse", [False, True], ids=["earlier-first", "later-first"])
    def test_one_upstream_id_in_two_files(self, archive, reverse):
        """The same id filed under two dates: the earlier-published file is the article."""
        archive.post(
            "620000000000000001", day="2021-12-08", title="早的EARLYe1", date="2021-12-08 08:00"
        )
        archive.post(
            "620000000000000001", day="2021-12-10", title="晚的LATEe2", date="2021-12-10 08:00"
        )
        out, _, code = self._import_in_order(archive, reverse)
        assert code == 0, out
        assert summary_counts(out)["duplicate"] == 1
        assert Article.objects.get().title == "早的EARLYe1"
        assert "2021-12-10-620000000000000001.md: source URL or id already belongs" in out


class TestIncremental:
    def test_changed_and_new_files_only(self, archive):
        """A re-run updates the changed file, adds the new one, leaves the rest alone."""
        for n in range(1, 6):
            archive.post(f"50000000000000000{n}", title=f"第{n}篇")
        run_import(archive.root)
        first = Article.objects.get(slug="500000000000000001")
        untouched = Article.objects.get(slug="500000000000000002").updated_at

        archive.post("500000000000000001", title="改过的标题EDITq2")
        archive.post("500000000000000009", title="新来的NEWw5")
        with mock.patch(
            "jekyll.importer.parse_post", wraps=__import__("jekyll").parser.parse_post
        ) as parse:
            out, _, _ = run_import(archive.root)
        assert parse.call_count == 2  # unchanged files are not parsed again
        assert summary_counts(out) == {
            "new": 1,
            "updated": 1,
            "unchanged": 4,
            "duplicate": 0,
            "kept": 0,
            "failed": 0,
        }
        first.refresh_from_db()
        assert first.title == "改过的标题EDITq2"
        assert Article.objects.get(slug="500000000000000002").updated_at == untouched
        assert Article.objects.count() == 6

    def test_touched_but_same_content_is_unchanged(self, archive):
        """A file rewritten with the same bytes (new mtime) counts as unchanged."""
        path = archive.post("510000000000000001")
        run_import(archive.root)
        os.utime(path, (time.time() + 60, time.time() + 60))
        out, _, _ = run_import(archive.root)
        assert summary_counts(out)["unchanged"] == 1

    def test_update_keeps_an_editors_unpublish(self, archive):
        """A changed file updates text but does not republish an article an editor unpublished."""
        archive.post("520000000000000001", title="原标题")
        run_import(archive.root)
        Article.objects.update(status=Article.Status.DRAFT)
        archive.post("520000000000000001", title="新标题")
        run_import(archive.root)
        article = Article.objects.get()
        assert article.title == "新标题"
        assert article.status == Article.Status.DRAFT

    def test_an_editors_change_is_kept(self, archive):
        """A changed file does not overwrite an article an editor changed after the import."""
        archive.post("540000000000000001", title="导入的标题")
        run_import(archive.root)
        article = Article.objects.get()
        article.title = "编辑改的标题EDITORk1"
        article.save()
        archive.post("540000000000000001", title="文件又改了FILEk2")
        out, _, code = run_import(archive.root)
        assert code == 0
        assert summary_counts(out)["kept"] == 1
        assert "2021-12-08-540000000000000001.md: kept /news/540000000000000001/" in out
        assert Article.objects.get().title == "编辑改的标题EDITORk1"

    def test_changed_tag_replaces_the_link(self, archive):
        """A file whose tag changed ends with the new tag only."""
        archive.post("530000000000000001", tag="旧标签新闻")
        run_import(archive.root)
        archive.post("530000000000000001", tag="新标签新闻")
        run_import(archive.root)
        assert list(Article.objects.get().tags.names()) == ["新标签新闻"]


class TestDetailPage:
    def test_digest_text_shown_once(self, archive, client):
        """A one-paragraph digest's text appears once on its page, not as lead and body."""
        archive.post("900000000000000001", body="只出现一次的快讯ONCEr7。")
        run_import(archive.root)
        page = client.get("/news/900000000000000001/").content.decode()
        shown = page.split('class="article-title"', 1)[1]  # what the reader sees, not <meta>
        assert shown.count("ONCEr7") == 1
        assert 'class="lead"' not in shown

    def test_blockquote_summary_is_the_lead(self, archive, client):
        """A blockquote summary, which is not in the body, is shown as the lead."""
        archive.post("900000000000000002", body="> 引用摘要LEADm3\n\n正文不同BODYn4。")
        run_import(archive.root)
        page = client.get("/news/900000000000000002/").content.decode()
        shown = page.split('class="article-title"', 1)[1]
        assert '<p class="lead">引用摘要LEADm3</p>' in shown
        assert shown.count("BODYn4") == 1


class TestDryRun:
    def test_dry_run_reports_and_writes_nothing(self, archive):
        """--dry-run reports what would be new and leaves the database as it was."""
        archive.post("600000000000000001")
        archive.post("600000000000000002")
        out, _, code = run_import(archive.root, "--dry-run")
        assert code == 0
        assert "Dry run" in out
        assert summary_counts(out)["new"] == 2
        assert Article.objects.count() == 0
        assert ImportedPost.objects.count() == 0
        assert Category.objects.count() == 0


class TestInterrupted:
    def test_failure_mid_batch_leaves_whole_batches_only(self, archive):
        """An exception mid-batch rolls that batch back; a re-run completes, no duplicates."""
        for n in range(1, 6):
            archive.post(f"70000000000000000{n}")
        real = ImportedPost.objects.bulk_create
        calls = []

        def failing(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("disk full (injected)")
            return real(*args, **kwargs)

        with (
            mock.patch.object(ImportedPost.objects, "bulk_create", failing),
            pytest.raises(RuntimeError),
        ):
            run_import(archive.root, "--batch-size", "2")
        assert Article.objects.count() == 2  # the first batch, whole
        assert ImportedPost.objects.count() == 2
        assert TaggedArticle.objects.count() == 2

        out, _, code = run_import(archive.root, "--batch-size", "2")
        assert code == 0
        assert summary_counts(out)["new"] == 3
        assert Article.objects.count() == 5
        assert TaggedArticle.objects.count() == 5

    def test_ctrl_c_exits_130_and_keeps_finished_batches(self, archive):
        """Ctrl-C stops with status 130, whole batches kept; the next run completes the job."""
        for n in range(1, 6):
            archive.post(f"71000000000000000{n}")
        real = TaggedArticle.objects.bulk_create
        calls = []

        def interrupted(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real(*args, **kwargs)

        with mock.patch.object(TaggedArticle.objects, "bulk_create", interrupted):
            _, err, code = run_import(archive.root, "--batch-size", "2")
        assert code == 130
        assert "Interrupted" in err
        assert Article.objects.count() == 2
        _, _, code = run_import(archive.root, "--batch-size", "2")
        assert code == 0
        assert Article.objects.count() == 5


def _sqlite_counts(db):
    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
        imported = conn.execute("SELECT count(*) FROM jekyll_importedpost").fetchone()[0]
        tagged = conn.execute("SELECT count(*) FROM articles_taggedarticle").fetchone()[0]
        slugs = conn.execute("SELECT count(DISTINCT slug) FROM articles_article").fetchone()[0]
    return articles, imported, tagged, slugs


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _run_until_held(command, env, files, stop):
    """Start the import, let it hold after ``files`` files (HOLD_ENV), then ``stop`` it.

    The import says on stderr when it holds, and waits there for the signal:
    no race with the clock, however busy the machine.
    """
    env = {**env, HOLD_ENV: str(files)}
    process = subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
        # A suite started in the background by a non-interactive shell (`test.sh &`)
        # inherits SIGINT ignored, and Python then never raises KeyboardInterrupt:
        # the import must get the terminal's default, as a user's Ctrl-C would.
        preexec_fn=_default_sigint,
    )
    try:
        lines = []
        for line in process.stderr:
            lines.append(line)
            if line.startswith("holding after "):
                stop(process)
                break
        rest = process.communicate(timeout=120)[1]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, "".join(lines) + rest


@pytest.mark.django_db(False)
def test_ctrl_c_and_kill_9_mid_import_then_rerun(tmp_path):
    """Real SIGINT (status 130) and SIGKILL mid-import leave whole batches; a re-run finishes."""
    total, batch = 600, 50
    archive = Archive(tmp_path / "site")
    for n in range(total):
        archive.post(f"8{n:017d}", title=f"第{n}条")
    db = tmp_path / "kill.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "finews.settings",
    }
    env.pop(HOLD_ENV, None)
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=REPO)
    command = [*manage, "import_jekyll", str(archive.root), "--quiet", "--batch-size", str(batch)]

    code, err = _run_until_held(command, env, 2 * batch, lambda p: p.send_signal(signal.SIGINT))
    assert code == 130, err
    assert "Interrupted" in err
    articles, imported, tagged, _ = _sqlite_counts(db)
    assert articles == 2 * batch  # the two finished batches, nothing of the third
    assert imported == tagged == articles

    # The re-run skips the 100 files already imported, then imports 4 more batches.
    code, err = _run_until_held(command, env, 6 * batch, lambda p: p.kill())
    assert code == -signal.SIGKILL, err
    killed_at, imported, tagged, _ = _sqlite_counts(db)
    assert killed_at == 6 * batch
    assert imported == tagged == killed_at

    finished = subprocess.run(command, env=env, cwd=REPO)
    assert finished.returncode == 0
    articles, imported, tagged, slugs = _sqlite_counts(db)
    assert articles == imported == tagged == slugs == total


class TestCommandDocs:
    def test_help_documents_empty_titles_and_exit_status(self):
        """--help says what happens to empty titles and what each exit status means."""
        from jekyll.management.commands.import_jekyll import Command

        parser = Command().create_parser("manage.py", "import_jekyll")
        text = " ".join(parser.format_help().split())
        assert "empty title gets a title derived from its summary" in text
        assert "1 some files failed" in text
        assert "130 interrupted" in text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_second_concurrent_import_is_refused(archive):
    """On PostgreSQL a second import while one runs exits with status 3, writing nothing."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's (run with DATABASE_URL=postgres://...)")
    import psycopg

    from jekyll.locking import LOCK_KEY

    archive.post("910000000000000001")
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        _, err, code = run_import(archive.root)
    assert code == 3
    assert "Another import_jekyll is running" in err
    assert not Article.objects.exists()


def test_the_old_7x24_posts_come_in_as_flash_items(tmp_path):
    """Posts of the emnews list (tag 东财滚动新闻) are flash items; a newspaper's story stays an article."""
    archive = Archive(tmp_path)
    archive.post("1701", title="七乘二十四快讯FLASHk1", category="emnews", tag="东财滚动新闻")
    archive.post(
        "1702", title="报纸文章ARTICLEk2", category="dazhongzhengquanbao", tag="大众证券报新闻"
    )
    run_import(archive.root)
    kinds = dict(Article.objects.values_list("title", "kind"))
    assert kinds["七乘二十四快讯FLASHk1"] == Article.Kind.FLASH
    assert kinds["报纸文章ARTICLEk2"] == Article.Kind.ARTICLE
