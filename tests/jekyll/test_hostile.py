"""import_jekyll and hostile or broken posts: each is reported by name with a reason, the rest imports.

Issue 13 items 2 and 3. Every test here runs on SQLite and on PostgreSQL.
"""

from unittest import mock

import pytest
from django.db import DataError
from taggit.models import Tag

from articles.models import Article
from jekyll import store
from jekyll.models import ImportedPost
from tests.jekyll.helpers import Archive, post_text, run_import, summary_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "site")
    archive.post("300000000000000001", title="好稿件一GOODh1")
    archive.post("300000000000000002", title="好稿件二GOODh2")
    return archive


def failed_lines(out):
    """``{file name: reason}`` from the command's "Failed files:" section."""
    lines = out.split("Failed files:\n", 1)[1].splitlines() if "Failed files:" in out else []
    return dict(line.strip().split(": ", 1) for line in lines if ": " in line)


def assert_good_posts_imported(out):
    titles = set(Article.objects.values_list("title", flat=True))
    assert {"好稿件一GOODh1", "好稿件二GOODh2"} <= titles, out


class TestOutOfRangeValues:
    def test_each_bad_field_is_reported_and_the_rest_imports(self, archive):
        """Dates out of range, a 300-character category, a 240-character file name: reported."""
        bad = {
            "2021-12-08-310000000000000001.md": post_text(
                title="九九九九年BADd1", date="9999-12-31 23:00 -05:00"
            ),
            "2021-12-08-310000000000000002.md": post_text(
                title="公元一年BADd2", date="0001-01-01 +08:00"
            ),
            "2021-12-08-310000000000000003.md": post_text(
                title="太早BADd3", date="1989-12-31 23:59"
            ),
            "2021-12-08-310000000000000004.md": post_text(
                title="太晚BADd4", date="2999-01-01 08:00"
            ),
            "2021-12-08-310000000000000005.md": post_text(title="长分类BADc5", category="c" * 300),
            f"2021-12-08-{'9' * 229}.md": post_text(title="长文件名BADn6"),
        }
        for name, text in bad.items():
            archive.write(name, text)
        out, err, code = run_import(archive.root)
        assert code == 1, err
        reasons = failed_lines(out)
        assert set(reasons) == set(bad), out
        assert "out of range" in reasons["2021-12-08-310000000000000001.md"]
        assert "out of range" in reasons["2021-12-08-310000000000000002.md"]
        assert "before 1990" in reasons["2021-12-08-310000000000000003.md"]
        assert "more than a day in the future" in reasons["2021-12-08-310000000000000004.md"]
        assert (
            "the category is too long (300 characters"
            in reasons["2021-12-08-310000000000000005.md"]
        )
        assert (
            "the id in the file name is too long (229 characters"
            in reasons[f"2021-12-08-{'9' * 229}.md"]
        )
        assert summary_counts(out)["new"] == 2
        assert_good_posts_imported(out)
        assert not Article.objects.filter(title__contains="BAD").exists()
        assert ImportedPost.objects.count() == 2

    def test_a_very_long_body_imports_with_its_search_text_bounded(self, archive):
        """A 1.2 MB body of distinct words (over PostgreSQL's tsvector limit) still imports."""
        words = [f"longword{n:06d}x" for n in range(80_000)]
        archive.post("320000000000000001", title="超长正文LONGb1", body=" ".join(words))
        out, err, code = run_import(archive.root)
        assert code == 0, err
        article = Article.objects.get(title="超长正文LONGb1")
        assert "longword000001x" in article.search_text
        assert "longword079999x" not in article.search_text  # past the indexed beginning
        assert "longword079999x" in article.body
        assert_good_posts_imported(out)

    def test_a_batch_the_database_refuses_is_written_file_by_file(self, archive):
        """When the database refuses a batch no check foresaw, only the bad file is left out."""
        archive.post("330000000000000001", title="数据库拒绝REFUSEDr1")
        real = store.write

        def refusing(import_rows):
            if any("REFUSED" in item.record.title for item, _, _ in import_rows):
                raise DataError("value refused (injected)")
            return real(import_rows)

        with mock.patch.object(store, "write", refusing):
            out, _, code = run_import(archive.root)
        assert code == 1
        reasons = failed_lines(out)
        assert reasons == {
            "2021-12-08-330000000000000001.md": "the database refused it: value refused (injected)"
        }
        assert summary_counts(out)["new"] == 2
        assert_good_posts_imported(out)
        assert not Article.objects.filter(title__contains="REFUSED").exists()


class TestHostileFrontMatter:
    def test_yaml_aliases_are_refused(self, archive):
        """A billion-laughs front matter is refused at once, by name; harmless aliases too."""
        laughs = ['a: &a ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
        for n in range(1, 6):  # 9**6 items once expanded: enough to show, too few to hurt
            prev = chr(ord("a") + n - 1)
            laughs.append(
                f"{chr(ord('a') + n)}: &{chr(ord('a') + n)} [{', '.join(['*' + prev] * 9)}]"
            )
        bomb = (
            "---\n"
            + "\n".join(laughs)
            + "\ntitle: *f\ndate: 2021-12-08\ncategories: emnews\n---\n正文"
        )
        archive.write("2021-12-08-340000000000000001.md", bomb)
        archive.write(
            "2021-12-08-340000000000000002.md",
            "---\ntitle: &t 别名标题ALIASa2\nsummary: *t\ndate: 2021-12-08\ncategories: emnews\n---\n正文",
        )
        out, _, code = run_import(archive.root)
        assert code == 1
        reasons = failed_lines(out)
        for name in ("2021-12-08-340000000000000001.md", "2021-12-08-340000000000000002.md"):
            assert "YAML anchors or aliases" in reasons[name], out
        assert not Article.objects.filter(title__contains="ALIAS").exists()
        assert_good_posts_imported(out)

    def test_long_front_matter_is_refused(self, archive):
        """Front matter over 20,000 characters is refused, by name."""
        padding = "\n".join(f"x{n}: {'长' * 50}" for n in range(500))
        archive.write(
            "2021-12-08-350000000000000001.md",
            f"---\ntitle: 长前言LONGf1\ndate: 2021-12-08\ncategories: emnews\n{padding}\n---\n正文",
        )
        out, _, code = run_import(archive.root)
        assert code == 1
        assert "front matter is too long" in failed_lines(out)["2021-12-08-350000000000000001.md"]
        assert not Article.objects.filter(title__contains="LONGf1").exists()
        assert_good_posts_imported(out)

    def test_symlinks_are_skipped_and_reported(self, archive, tmp_path):
        """A symbolic link in _posts is not followed (it could read any file of the machine)."""
        secret = tmp_path / "outside" / "secret.md"
        secret.parent.mkdir()
        secret.write_text(post_text(title="机密文件SECRETs1"), encoding="utf-8")
        (archive.posts / "2021-12-08-360000000000000001.md").symlink_to(secret)
        (archive.posts / "linked-folder").symlink_to(secret.parent, target_is_directory=True)
        out, _, code = run_import(archive.root)
        assert code == 1
        reasons = failed_lines(out)
        assert reasons == {
            "2021-12-08-360000000000000001.md": "symbolic link; not followed",
            "linked-folder": "symbolic link; not followed",
        }
        assert not Article.objects.filter(title__contains="SECRET").exists()
        assert_good_posts_imported(out)

    def test_at_most_50_tags_the_rest_reported(self, archive):
        """A post with 60 tags keeps the first 50; the note says 10 were dropped."""
        tags = "[" + ", ".join(f"标签{n:02d}" for n in range(60)) + "]"
        archive.post("370000000000000001", title="多标签TAGSt1", tag=tags)
        out, _, code = run_import(archive.root)
        assert code == 0
        article = Article.objects.get(title="多标签TAGSt1")
        names = set(article.tags.values_list("name", flat=True))
        assert names == {f"标签{n:02d}" for n in range(50)}
        assert "2021-12-08-370000000000000001.md: 10 tag(s) dropped (at most 50 per article)" in out


class TestTagIdentity:
    def test_full_width_tag_is_the_existing_tag(self, archive):
        """ＥＴＦ from the archive is the existing tag ETF (NFKC + case fold), not a second tag."""
        existing = Tag.objects.create(name="ETF")
        archive.post("380000000000000001", title="全角标签WIDEw1", tag="ＥＴＦ")
        archive.post("380000000000000002", title="小写标签WIDEw2", tag="etf")
        out, _, code = run_import(archive.root)
        assert code == 0, out
        for title in ("全角标签WIDEw1", "小写标签WIDEw2"):
            article = Article.objects.get(title=title)
            assert list(article.tags.all()) == [existing]
        assert Tag.objects.filter(name__in=["ＥＴＦ", "etf"]).count() == 0

    def test_two_spellings_in_one_archive_make_one_tag(self, archive):
        """The first spelling seen names the tag; a full-width spelling later joins it."""
        archive.post("390000000000000001", day="2021-12-08", title="先到FIRSTq1", tag="Ａ股")
        archive.post("390000000000000002", day="2021-12-09", title="后到LATERq2", tag="a股")
        out, _, code = run_import(archive.root, "--batch-size", "1")
        assert code == 0, out
        tags = {Article.objects.get(title=t).tags.get() for t in ("先到FIRSTq1", "后到LATERq2")}
        assert len(tags) == 1
        assert Tag.objects.filter(name__iendswith="股").count() == 1


class TestFuzzedFrontMatter:
    PIECES = [
        "title: ",
        "date: ",
        "categories: ",
        "tags: ",
        "&a ",
        "*a",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "- ",
        "\n",
        "'",
        '"',
        "!!python/object:os.system ",
        "!!binary ",
        "9999-12-31 23:00 -05:00",
        "0000-00-00",
        "+0800",
        "\x00",
        "\u202e",
        "长" * 120,
        "ＥＴＦ",
        "<<: ",
        "? ",
        "|",
        ">",
        "%YAML 1.1\n",
        "---",
        "\t",
        "1e999",
        "~",
    ]

    @pytest.mark.django_db(False)
    def test_random_front_matter_is_parsed_or_refused_with_a_reason(self):
        """600 seeded random front matters: a record that passes the checks, or a reason."""
        import random

        from jekyll.checks import check_record
        from jekyll.errors import ParseError
        from jekyll.parser import parse_post

        rng = random.Random(13)
        outcomes = {"parsed": 0, "refused": 0}
        for _ in range(600):
            front = "".join(rng.choice(self.PIECES) for _ in range(rng.randint(1, 30)))
            text = f"---\n{front}\ncategories: emnews\n---\n正文。"
            try:
                record = parse_post("2021-12-08-400000000000000001.md", text)
            except ParseError as error:
                assert str(error), front
                outcomes["refused"] += 1
                continue
            problem = check_record("2021-12-08-400000000000000001.md", record)
            assert problem is None or problem, front
            outcomes["parsed"] += 1
        assert outcomes["parsed"] and outcomes["refused"]  # both paths were exercised
