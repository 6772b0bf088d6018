"""Generate a Jekyll archive of N posts from the real sample, for import benchmarks.

    python bench/make_jekyll_archive.py OUT -n 100000          # a new archive
    python bench/make_jekyll_archive.py OUT --grow 50 --modify 50   # then: 50 new, 50 changed

Posts are copies of the sample's posts (../shared/corpus/finews-jekyll/_posts)
with their own upstream id, date and source URL, spread over the sample's
categories. OUT should be outside the repository or under the git-ignored
bench/results/.
"""

import argparse
import random
import re
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO.parent / "shared" / "corpus" / "finews-jekyll"
START = datetime(2021, 12, 8, 8, 0, 0)

FRONT_RE = re.compile(r"^(?P<lead>\s*---\n)(?P<front>.*?)(?P<close>\n---\n)", re.DOTALL)


def load_sample(sample):
    posts = []
    for path in sorted((sample / "_posts").glob("*.md")):
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        if FRONT_RE.match(text):
            posts.append(text)
    categories = []
    for path in sorted((sample / "category").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        slug = re.search(r"^category: (.*)$", text, re.MULTILINE)
        title = re.search(r"^title: (.*)$", text, re.MULTILINE)
        if slug and title:
            tag = title[1] if title[1].endswith("新闻") else f"{title[1]}新闻"
            categories.append((slug[1], tag))
    categories += [("emnews", "东财滚动新闻"), ("dazhongzhengquanbao", "大众证券报新闻")]
    return posts, categories


def make_post(template, n, categories, rng, title_suffix=""):
    """(file name, text) of post number n."""
    when = START + timedelta(minutes=3 * n, seconds=rng.randrange(180))
    upstream_id = f"{when:%Y%m%d}{n:010d}"
    category, tag = categories[n % len(categories)]

    def front(match):
        lines = []
        for line in match["front"].split("\n"):
            key = line.split(":", 1)[0]
            if key == "date":
                line = f"date: {when:%Y-%m-%d %H:%M:%S} +0800"
            elif key == "categories":
                line = f"categories: {category}"
            elif key == "tags":
                line = f"tags: {tag}"
            elif key == "title" and title_suffix:
                line = line.rstrip('"') + f' {title_suffix}"'
            lines.append(line)
        return match["lead"] + "\n".join(lines) + match["close"]

    text = FRONT_RE.sub(front, template, count=1)
    # Each post its own source URL (the identity after the upstream id).
    text = re.sub(
        r"<(https?://[^>\s]+)>", f"<http://finance.eastmoney.com/news/1,{upstream_id}.html>", text
    )
    text = text.replace("<>", f"<http://finance.eastmoney.com/news/1,{upstream_id}.html>")
    return f"{when:%Y-%m-%d}-{upstream_id}.md", text


def write_posts(posts_dir, numbers, posts, categories, seed, title_suffix=""):
    for n in numbers:
        rng = random.Random(seed * 1_000_003 + n)
        name, text = make_post(posts[n % len(posts)], n, categories, rng, title_suffix)
        (posts_dir / name).write_text(text, encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="the archive's site root to create or change")
    parser.add_argument("-n", "--posts", type=int, default=0, help="create an archive of N posts")
    parser.add_argument("--grow", type=int, default=0, help="add N new posts to OUT")
    parser.add_argument("--modify", type=int, default=0, help="change the title of N posts in OUT")
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="the real archive sample")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    if not (args.sample / "_posts").is_dir():
        sys.exit(f"No sample archive at {args.sample}")
    posts, categories = load_sample(args.sample)
    posts_dir = args.out / "_posts"
    if args.posts:
        if args.out.exists():
            shutil.rmtree(args.out)
        posts_dir.mkdir(parents=True)
        shutil.copytree(args.sample / "category", args.out / "category")
        shutil.copy(args.sample / "_config.yml", args.out / "_config.yml")
        write_posts(posts_dir, range(args.posts), posts, categories, args.seed)
        print(f"wrote {args.posts} posts to {posts_dir}")
    count = sum(1 for _ in posts_dir.iterdir())
    if args.grow:
        write_posts(posts_dir, range(count, count + args.grow), posts, categories, args.seed)
        print(f"added {args.grow} new posts")
    if args.modify:
        rng = random.Random(args.seed)
        numbers = rng.sample(range(count), args.modify)
        write_posts(posts_dir, numbers, posts, categories, args.seed, title_suffix="（更新）")
        print(f"changed {args.modify} posts")


if __name__ == "__main__":
    main()
