"""Argos Translate model packages: list, install (file, folder, or official by language pair), remove.

Packages live where argostranslate keeps them (``ARGOS_PACKAGES_DIR``, by default
``~/.local/share/argos-translate/packages``); every function takes an explicit
folder too, so a library caller or a test can keep its own.

A model is identified by :class:`ModelId`: package name, version, and a
checksum over every file of the package (path and content), so a re-trained
model under the same name and version is still a different model to the
manifest and the translation cache.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import ModelError

REQUIRED_FILES = ("metadata.json", "model/model.bin", "sentencepiece.model")
OFFICIAL_SOURCE = "the Argos Translate package index, https://github.com/argosopentech/argospm-index"
Progress = Callable[[int, int], None]  # bytes done, bytes in all (0 when unknown)


@dataclass(frozen=True)
class ModelId:
    """What the manifest and the cache record about a model."""

    name: str
    version: str
    checksum: str

    def __str__(self) -> str:
        return f"{self.name}@{self.version} sha256:{self.checksum[:12]}"


@dataclass(frozen=True)
class InstalledPackage:
    path: Path
    from_code: str
    to_code: str
    model_id: ModelId


def default_packages_dir() -> Path:
    from argostranslate import settings

    return Path(settings.package_data_dir)


def package_checksum(folder: Path) -> str:
    """sha256 over every file's relative path and content, in path order."""
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(file.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def read_package(folder: Path) -> InstalledPackage:
    """Check that ``folder`` is a complete translation package and describe it."""
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelError(f"{folder} is not a complete Argos package: missing {', '.join(missing)}")
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        from_code, to_code = str(metadata["from_code"]), str(metadata["to_code"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{folder}/metadata.json is unreadable or lacks from_code/to_code: {exc}") from exc
    name = str(metadata.get("package_name") or folder.name)
    version = str(metadata.get("package_version", "0"))
    return InstalledPackage(folder, from_code, to_code, ModelId(name, version, package_checksum(folder)))


def installed_packages(packages_dir: Path | None = None) -> list[InstalledPackage]:
    """Every complete package in ``packages_dir``, sorted by folder name; incomplete folders are skipped."""
    root = packages_dir or default_packages_dir()
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        try:
            found.append(read_package(folder))
        except ModelError:
            continue
    return found


def find_package(from_code: str, to_code: str, packages_dir: Path | None = None) -> InstalledPackage:
    for package in installed_packages(packages_dir):
        if (package.from_code, package.to_code) == (from_code, to_code):
            return package
    raise ModelError(missing_model_message(from_code, to_code))


def missing_model_message(from_code: str, to_code: str) -> str:
    return (
        f"no {from_code}→{to_code} translation model is installed. Get one either way:\n"
        f"  online:  passerelle models install {from_code} {to_code}\n"
        f"  offline: passerelle models install translate-{from_code}_{to_code}.argosmodel "
        f"(a file downloaded elsewhere from {OFFICIAL_SOURCE})"
    )


def install_package(source: Path, packages_dir: Path | None = None) -> InstalledPackage:
    """Install a ``.argosmodel`` archive or an unpacked package folder; the package is checked before it lands."""
    root = packages_dir or default_packages_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root, prefix=".installing-") as scratch:
            staging = Path(scratch)
            if source.is_dir():
                unpacked = staging / source.name
                shutil.copytree(source, unpacked)
            else:
                unpacked = _extract_archive(source, staging)
            read_package(unpacked)
            target = root / unpacked.name
            if target.exists():
                shutil.rmtree(target)
            unpacked.rename(target)
    except OSError as exc:
        raise ModelError(f"cannot install {source} into {root}: {exc.strerror or exc}") from exc
    return read_package(target)


# How every zip file (and so every .argosmodel) begins.
_ZIP_MAGIC = b"PK\x03\x04"


def _extract_archive(archive: Path, staging: Path) -> Path:
    """Extract ``archive`` into ``staging``, refusing any entry that would land outside it."""
    if not archive.exists():
        raise ModelError(f"{archive}: no such file or folder")
    if not zipfile.is_zipfile(archive):
        with open(archive, "rb") as handle:
            starts_like_zip = handle.read(4) == _ZIP_MAGIC
        if starts_like_zip:
            raise ModelError(f"{archive}: damaged .argosmodel archive, its end is missing (was the download cut short?)")
        raise ModelError(f"{archive} is neither a package folder nor a .argosmodel (zip) archive")
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            for info in infos:
                path = PurePosixPath(info.filename.replace("\\", "/"))
                if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
                    raise ModelError(f"{archive}: refused, entry {info.filename!r} would be written outside the package folder")
            tops = {PurePosixPath(i.filename).parts[0] for i in infos if PurePosixPath(i.filename).parts}
            if len(tops) != 1:
                raise ModelError(f"{archive}: a package archive holds exactly one top folder, found {len(tops)}")
            unpacked_size, free = sum(i.file_size for i in infos), shutil.disk_usage(staging).free
            if unpacked_size > free:
                raise ModelError(f"{archive}: unpacks to {unpacked_size:,} bytes, more than the {free:,} free where packages go")
            zf.extractall(staging)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(f"{archive}: damaged archive ({exc})") from exc
    return staging / tops.pop()


def remove_package(name: str, packages_dir: Path | None = None) -> InstalledPackage:
    for package in installed_packages(packages_dir):
        if name in (package.path.name, package.model_id.name):
            shutil.rmtree(package.path)
            return package
    raise ModelError(f"no installed package named {name!r}; `passerelle models list` shows them")


def install_official(from_code: str, to_code: str, packages_dir: Path | None = None,
                     progress: Progress | None = None, index_url: str | None = None) -> InstalledPackage:
    """Fetch the official package for a language pair from the Argos index (needs the network).

    The index is read here, with a timeout, rather than through argostranslate's
    ``get_available_packages``: offline, that one retries the download forever.
    """
    if index_url is None:
        from argostranslate import settings

        index_url = str(settings.remote_package_index)
    try:
        with urllib.request.urlopen(index_url, timeout=30) as response:
            index = json.load(response)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the package index {index_url} (offline?): {exc}") from exc
    available = [entry for entry in index if isinstance(entry, dict) and entry.get("type", "translate") == "translate"
                 and (entry.get("from_code"), entry.get("to_code")) == (from_code, to_code) and entry.get("links")]
    if not available:
        raise ModelError(f"the package index has no {from_code}→{to_code} package")
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / f"translate-{from_code}_{to_code}.argosmodel"
        _download(list(available[0]["links"]), archive, progress)
        return install_package(archive, packages_dir)


def _download(links: list[str], destination: Path, progress: Progress | None) -> None:
    errors = []
    for url in links:
        try:
            with urllib.request.urlopen(url, timeout=60) as response, destination.open("wb") as out:
                total = int(response.headers.get("Content-Length") or 0)
                done = 0
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            return
        except OSError as exc:
            errors.append(f"{url}: {exc}")
    raise ModelError("download failed: " + "; ".join(errors))
