"""Finding the archive and its post files, streamed (a million files are never listed at once)."""

import os
from pathlib import Path

POST_SUFFIXES = (".md", ".markdown", ".html", ".htm")


class ArchiveNotFound(Exception):
    pass


def locate_archive(path):
    """``(posts folder, site root or None)`` for a site root or its ``_posts`` folder."""
    path = Path(path)
    if not path.is_dir():
        raise ArchiveNotFound(f"{path} is not a folder")
    if (path / "_posts").is_dir():
        return path / "_posts", path
    if path.name == "_posts" or any(
        entry.name.endswith(POST_SUFFIXES) for entry in scan(path) if not entry.is_dir()
    ):
        parent = path.resolve().parent
        is_site = (parent / "category").is_dir() or (parent / "_config.yml").exists()
        return path, parent if is_site else None
    raise ArchiveNotFound(f"{path} has no _posts folder and no post files")


def scan(folder):
    """The entries of one folder (``os.DirEntry``), streamed."""
    with os.scandir(folder) as entries:
        yield from entries


def iter_post_files(posts_dir, on_skipped=None):
    """Post files under ``posts_dir`` (recursively, as Jekyll reads them), streamed.

    Symbolic links are never followed: a link could make the import read any
    file of the machine (``/etc/passwd``) into a public article. Each one is
    passed to ``on_skipped(relative path, reason)``.
    """
    prefix = len(str(posts_dir)) + 1
    stack = [Path(posts_dir)]
    while stack:
        folder = stack.pop()
        for entry in scan(folder):
            if entry.name.startswith((".", "_", "~", "#")):
                continue  # editor and crawler temporary files, drafts
            if entry.is_symlink():
                if on_skipped is not None:
                    on_skipped(entry.path[prefix:], "symbolic link; not followed")
            elif entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.name.lower().endswith(POST_SUFFIXES):
                yield entry


def count_post_files(posts_dir):
    return sum(1 for _ in iter_post_files(posts_dir))


def batches(iterable, size):
    """Lists of ``size`` items (the last one shorter) from an iterable, streamed."""
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
