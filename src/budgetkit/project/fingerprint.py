"""Input fingerprints: has anything a notebook's outputs depend on changed since they were made?

A notebook's outputs are a function of its inputs: the year's raw files (their
bytes and names: a file's stem is in every ``project_id``), the notebook's code,
budgetkit's code and the notebook's parameters. :func:`fingerprint` digests them
into one stable sha256, kept with its parts so that :func:`changes` can say
*what* changed; the build records it in the run manifest and runs a notebook
again only when :func:`is_current` says the recorded one no longer matches.

What counts as a change, and what does not:

- raw files: by content and file name, not by path, modification time or the
  order they are listed in (moving the repository rebuilds nothing);
- the notebook: its cells' types and sources and its kernel, not outputs,
  execution counts or other metadata a save in JupyterLab may touch;
- budgetkit: its version *and* the bytes of its modules and metadata files
  (:func:`package_fingerprint`), so an edit to the library during development
  reruns what it may change, though the version number did not move;
- the parameters: as canonical JSON (key order does not matter).

Examples:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> a, b = folder / "a.txt", folder / "b.txt"
    >>> _ = a.write_text("项目名称 甲", encoding="utf-8"), b.write_text("项目名称 乙", encoding="utf-8")
    >>> nb = folder / "01_clean.ipynb"
    >>> _ = nb.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    >>> first = fingerprint([a, b], nb, {"year": 2025}, version="0.1.0")
    >>> first == fingerprint([b, a], nb, {"year": 2025}, version="0.1.0")
    True
    >>> _ = b.write_text("项目名称 丙", encoding="utf-8")
    >>> second = fingerprint([a, b], nb, {"year": 2025}, version="0.1.0")
    >>> is_current(first.record(), second), changes(first.record(), second)
    (False, ['raw file changed: b.txt'])
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from budgetkit import __version__
from budgetkit.errors import InputError

__all__ = [
    "Fingerprint",
    "changes",
    "file_digest",
    "fingerprint",
    "is_current",
    "notebook_digest",
    "package_fingerprint",
]

_CHUNK = 1 << 20


def file_digest(path: str | Path) -> str:
    """The hex sha256 of a file's bytes.

    Raises:
        InputError: the file cannot be read.

    Examples:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "x.txt"
        >>> _ = p.write_bytes(b"abc")
        >>> file_digest(p)[:12]
        'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise InputError(f"cannot read for its fingerprint: {exc.strerror or exc}", path=path) from exc
    return digest.hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """A digest of a notebook's inputs and the digests of its parts.

    Attributes:
        digest: sha256 over all the parts.
        parts: ``{"raw:<file name>": sha256, "notebook": …, "budgetkit": …, "parameters": …}``.
    """

    digest: str
    parts: Mapping[str, str]

    def record(self) -> dict:
        """The fingerprint as JSON-ready data, to keep in a run manifest."""
        return {"digest": self.digest, "parts": dict(self.parts)}

    def for_notebook(self, notebook: str | Path) -> Fingerprint:
        """The same inputs for another notebook (the input files are not read again).

        Examples:
            >>> import tempfile
            >>> nb = Path(tempfile.mkdtemp()) / "02_costs.ipynb"
            >>> _ = nb.write_text('{"cells": [], "metadata": {}}')
            >>> first = fingerprint([], None, {"year": 2025}, version="0.1.0")
            >>> second = first.for_notebook(nb)
            >>> second == fingerprint([], nb, {"year": 2025}, version="0.1.0"), changes(first.record(), second)
            (True, ['notebook changed'])
        """
        return _of({**self.parts, "notebook": notebook_digest(notebook)})


def fingerprint(
    raw_files: Sequence[str | Path],
    notebook: str | Path | None,
    parameters: Mapping[str, object] | None = None,
    *,
    version: str | None = None,
    inputs: Mapping[str, str | Path] | None = None,
) -> Fingerprint:
    """Digest what a notebook's outputs depend on (see the module docstring).

    Args:
        raw_files: the input files (any order); two with the same name must be the same file.
        notebook: the notebook template (``None`` for a step run without one).
        parameters: the notebook's parameters.
        version: what stands for budgetkit's code (default: :func:`package_fingerprint`).
        inputs: other input files by a name of their own (``{"2024/projects.parquet": path}``: the
            tables a comparison reads), where file names alone would clash.

    Raises:
        InputError: a file cannot be read, or two files share a name but not their bytes.
    """
    parts: dict[str, str] = {}
    for path in raw_files:
        key, digest = f"raw:{Path(path).name}", file_digest(path)
        if parts.get(key, digest) != digest:
            raise InputError("two input files share a name", path=path)
        parts[key] = digest
    for key, path in (inputs or {}).items():
        parts[f"input:{key}"] = file_digest(path)
    parts["notebook"] = notebook_digest(notebook) if notebook is not None else ""
    parts["budgetkit"] = version if version is not None else package_fingerprint()
    parts["parameters"] = _sha(_canonical(dict(parameters or {})))
    return _of(parts)


def _of(parts: Mapping[str, str]) -> Fingerprint:
    return Fingerprint(_sha(_canonical(dict(sorted(parts.items())))), dict(parts))


def notebook_digest(path: str | Path) -> str:
    """sha256 of a notebook's code: each cell's type and source, and the kernel's name.

    Examples:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "n.ipynb"
        >>> cell = {"cell_type": "code", "source": "x = 1", "outputs": [], "execution_count": None}
        >>> _ = p.write_text(json.dumps({"cells": [cell], "metadata": {}}))
        >>> before = notebook_digest(p)
        >>> _ = p.write_text(json.dumps({"cells": [{**cell, "execution_count": 7}], "metadata": {"x": 1}}))
        >>> notebook_digest(p) == before
        True
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the notebook for its fingerprint: {exc}", path=path) from exc
    cells = [
        [c.get("cell_type"), "".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source")]
        for c in data.get("cells", [])
    ]
    kernel = data.get("metadata", {}).get("kernelspec", {}).get("name")
    return _sha(_canonical({"cells": cells, "kernel": kernel}))


@cache
def package_fingerprint() -> str:
    """The package version and a sha256 over its modules and metadata files (computed once per process)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in {".py", ".csv"} and p.is_file()):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return f"{__version__}+{digest.hexdigest()[:16]}"


def is_current(recorded: Mapping | None, current: Fingerprint) -> bool:
    """Whether a recorded fingerprint (:meth:`Fingerprint.record`, e.g. from a run manifest) still matches.

    Examples:
        >>> is_current(None, Fingerprint("ab", {})), is_current({"digest": "ab"}, Fingerprint("ab", {}))
        (False, True)
    """
    return isinstance(recorded, Mapping) and recorded.get("digest") == current.digest


def changes(recorded: Mapping | None, current: Fingerprint) -> list[str]:
    """What differs between a recorded fingerprint and the current one, in words (empty: nothing).

    Examples:
        >>> old = Fingerprint("1", {"raw:a.txt": "x", "raw:b.txt": "y", "notebook": "n", "budgetkit": "0.1",
        ...                         "parameters": "p"})
        >>> new = Fingerprint("2", {"raw:a.txt": "x", "raw:c.txt": "z", "notebook": "m", "budgetkit": "0.1",
        ...                         "parameters": "p"})
        >>> changes(old.record(), new)
        ['raw file removed: b.txt', 'raw file added: c.txt', 'notebook changed']
        >>> changes(None, new)
        ['no record of an earlier run']
    """
    if not isinstance(recorded, Mapping) or not isinstance(recorded.get("parts"), Mapping):
        return [] if is_current(recorded, current) else ["no record of an earlier run"]
    old, new = recorded["parts"], current.parts
    found = []
    kinds = {"raw:": "raw file", "input:": "input"}
    for key in sorted(set(old) | set(new), key=lambda k: (not k.startswith(tuple(kinds)), k)):
        if old.get(key) == new.get(key):
            continue
        prefix = next((p for p in kinds if key.startswith(p)), None)
        if prefix:
            what = "added" if key not in old else "removed" if key not in new else "changed"
            found.append(f"{kinds[prefix]} {what}: {key.removeprefix(prefix)}")
        else:
            found.append(f"{key} changed")
    return found


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
