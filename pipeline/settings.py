"""The one reader of ``config.yaml``: typed settings, with command-line overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_CONFIG = Path("config.yaml")


class SettingsError(ValueError):
    """config.yaml is missing, unreadable or invalid; the message names the file."""


class Settings(BaseModel):
    """Every setting of a run. Relative paths are resolved against the config file's folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inputs: list[Path] = Field(default_factory=lambda: [Path("corpora/examples")])
    exclude: list[str] = Field(default_factory=lambda: ["README.md", "MANIFEST.md"])
    output_dir: Path = Path("outputs")
    database_url: str = "sqlite:///outputs/cases.sqlite"
    gold_dir: Path = Path("annotations")
    gold_source_dir: Path = Path("annotations/source")
    gold_text_dir: Path = Path("../shared/corpus")
    max_file_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    ocr: bool = False
    workers: int = Field(default=1, ge=1, le=256)
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None  # a Dask scheduler address; none starts a local cluster

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given settings replaced; ``None`` values are ignored."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        try:
            return Settings.model_validate({**self.model_dump(), **given})
        except ValidationError as exc:
            raise SettingsError(f"invalid command-line setting: {_first_error(exc)}") from exc


def parse_assignments(assignments: list[str] | None) -> dict[str, Any]:
    """``["workers=2", "inputs=a,b"]`` -> ``{"workers": "2", "inputs": ["a", "b"]}``.

    Names are checked against the settings; values are validated when applied.
    """
    out: dict[str, Any] = {}
    for item in assignments or []:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise SettingsError(f"--set {item!r}: expected NAME=VALUE")
        if key not in Settings.model_fields:
            known = ", ".join(sorted(Settings.model_fields))
            raise SettingsError(f"--set {item!r}: unknown setting {key!r} (settings: {known})")
        annotation = str(Settings.model_fields[key].annotation)
        out[key] = [v for v in value.split(",") if v] if annotation.startswith("list") else value
    return out


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(x) for x in err["loc"])
    return f"{where}: {err['msg']}"


def load_settings(config: Path | None = None) -> Settings:
    """Read ``config.yaml`` (or the given file); without a file, the built-in defaults."""
    path = config or DEFAULT_CONFIG
    if not path.exists():
        if config is not None:
            raise SettingsError(f"{path}: config file not found")
        return Settings()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path}: cannot read config: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping of settings")
    base = path.resolve().parent
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(f"{path}: {_first_error(exc)}") from exc
    return settings.model_copy(update=_resolved(settings, base))


def _resolved(settings: Settings, base: Path) -> dict[str, Any]:
    def fix(p: Path) -> Path:
        return p if p.is_absolute() else Path(_relative_to_cwd(base / p))

    url = settings.database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = "sqlite:///" + str(fix(Path(url[len("sqlite:///") :])))
    return {
        "inputs": [fix(p) for p in settings.inputs],
        "output_dir": fix(settings.output_dir),
        "gold_dir": fix(settings.gold_dir),
        "gold_source_dir": fix(settings.gold_source_dir),
        "gold_text_dir": fix(settings.gold_text_dir),
        "database_url": url,
    }


def _relative_to_cwd(path: Path) -> str:
    """A path as short as possible for messages, still correct from the current folder."""
    import os

    resolved = os.path.normpath(path)
    try:
        return os.path.relpath(resolved)
    except ValueError:
        return resolved
