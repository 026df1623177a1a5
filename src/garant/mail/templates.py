"""Bilingual mail templates the DPO can edit.

A template is ``NAME.LANG.txt`` (and optionally ``NAME.LANG.html``): its first line is
``Subject: ...``, the rest the body, both Jinja2. A file of the same name in the
workspace's ``templates/mail/`` replaces the built-in one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from garant.errors import ConfigError
from garant.i18n import language
from garant.i18n.dates import days_left, format_date
from garant.i18n.labels import event, label

BUILTIN = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


class MailTemplates:
    def __init__(self, override_dir: Path | None = None):
        loaders = []
        if override_dir is not None and override_dir.is_dir():
            loaders.append(FileSystemLoader(str(override_dir)))
        loaders.append(FileSystemLoader(str(BUILTIN)))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
        )
        self.html_env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=True,
        )
        for env in (self.env, self.html_env):  # dates and codes in words (garant.i18n)
            env.filters.update(date=format_date, label=label, days_left=days_left, event=event)

    def render(self, name: str, lang: str, context: dict[str, Any]) -> RenderedMail:
        with language(lang):
            return self._render(name, lang, context)

    def _render(self, name: str, lang: str, context: dict[str, Any]) -> RenderedMail:
        try:
            text = self.env.get_template(f"{name}.{lang}.txt").render(**context)
        except TemplateNotFound:
            raise ConfigError(f"no mail template {name}.{lang}.txt") from None
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:"):
            raise ConfigError(f"mail template {name}.{lang}.txt must start with 'Subject:'")
        try:
            html: str | None = self.html_env.get_template(f"{name}.{lang}.html").render(**context)
        except TemplateNotFound:
            html = None
        return RenderedMail(first.removeprefix("Subject:").strip(), body.lstrip("\n"), html)

    def names(self) -> list[str]:
        return sorted(self.env.list_templates(extensions=["txt", "html"]))
