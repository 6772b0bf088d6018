"""What an import did, file by file where it matters: the command prints it."""

from dataclasses import dataclass, field, fields


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    kept: int = 0  # an editor changed or withdrew the article: the file did not overwrite it
    failed: list = field(default_factory=list)  # (path, reason)
    duplicates: list = field(default_factory=list)  # (path, reason)
    notes: list = field(default_factory=list)  # (path, note): imported, but worth a look
    new_categories: int = 0
    files: int = 0

    @property
    def failed_count(self):
        return len(self.failed)

    def snapshot(self):
        """Where the report stands, to go back to when a batch is rolled back.

        Lists are only appended to, so their lengths are enough (no copy per batch).
        """
        return {f.name: _size(getattr(self, f.name)) for f in fields(self)}

    def restore(self, snapshot):
        for name, size in snapshot.items():
            value = getattr(self, name)
            if isinstance(value, list):
                del value[size:]
            else:
                setattr(self, name, size)


def _size(value):
    return len(value) if isinstance(value, list) else value
