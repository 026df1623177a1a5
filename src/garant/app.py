"""The Garant application object: built on purpose from a workspace, shared by every surface.

    garant = Garant.open(Path("my-org"), as_of="2026-03-31")
    with garant.unit_of_work(actor) as uow:
        ...

Nothing happens at import: the CLI, the web app, the worker and the tests all build one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from garant.clock import Clock, FixedClock, SystemClock, parse_as_of
from garant.errors import ConfigError
from garant.jobs.service import JobRegistry
from garant.keys.keyring import KeyRing, load_keyring
from garant.mail.templates import MailTemplates
from garant.settings import Settings, load_settings
from garant.store.engine import Store
from garant.store.uow import SYSTEM, Actor, UnitOfWork

if TYPE_CHECKING:
    from garant.datamap.models import DataMap
    from garant.policy.models import Policy

DashboardProvider = Callable[["Garant", UnitOfWork], list[dict[str, Any]]]
Scheduler = Callable[["Garant"], None]
KeyUsageProbe = Callable[["Garant", int], dict[str, int]]
UseBlocker = Callable[[UnitOfWork, list[str], str], str | None]


class Garant:
    def __init__(
        self,
        workspace: Path,
        settings: Settings,
        *,
        store: Store,
        keys: KeyRing,
        clock: Clock,
    ):
        self.workspace = workspace
        self.settings = settings
        self.store = store
        self.keys = keys
        self.clock = clock
        self.jobs = JobRegistry()
        self.dashboard_providers: list[DashboardProvider] = []
        self.schedulers: list[Scheduler] = []
        self.key_usage_probes: list[KeyUsageProbe] = []
        # A use of personal data is refused while any blocker names a reason (restriction,
        # suppression, ...): consent's check asks them all, features register them.
        self.use_blockers: list[UseBlocker] = []
        # Retention rules over Garant's own tables, declared by each feature that owns them.
        self.own_data_rules: list[Any] = []
        self.extensions: dict[str, Any] = {}
        self.mail_templates = MailTemplates(workspace / "templates" / "mail")

    @classmethod
    def open(
        cls,
        workspace: Path | str = ".",
        *,
        as_of: datetime | str | None = None,
        clock: Clock | None = None,
        database_url: str | None = None,
        migrate: bool = True,
    ) -> Garant:
        root = Path(workspace).resolve()
        if not root.is_dir():
            raise ConfigError(f"{root}: no such workspace directory")
        settings = load_settings(root)
        keys = load_keyring(
            file=root / settings.keys.file, env=settings.keys.env, demo=settings.is_demo
        )
        store = Store(database_url or settings.database_url(root), keys=keys)
        garant = cls(root, settings, store=store, keys=keys, clock=clock or SystemClock())
        if as_of is not None:
            moment = parse_as_of(as_of, garant.timezone) if isinstance(as_of, str) else as_of
            garant.clock = FixedClock(moment)
        if migrate:
            store.upgrade()
        from garant.features import install_all

        install_all(garant)
        return garant

    # --- the policy and the data map, read once ------------------------------------
    @cached_property
    def policy(self) -> Policy:
        from garant.policy.loader import load_policy

        return load_policy(self.workspace / self.settings.policy)

    @cached_property
    def datamap(self) -> DataMap:
        from garant.datamap.loader import load_datamap

        return load_datamap(self.workspace / self.settings.datamap)

    @property
    def policy_path(self) -> Path:
        return self.workspace / self.settings.policy

    @property
    def datamap_path(self) -> Path:
        return self.workspace / self.settings.datamap

    @property
    def timezone(self) -> tzinfo:
        return ZoneInfo(self.policy.timezone)

    def reload(self) -> None:
        """Forget the parsed policy and data map (after an edit or a publish)."""
        for name in ("policy", "datamap"):
            self.__dict__.pop(name, None)

    # --- transactions ---------------------------------------------------------------
    def unit_of_work(self, actor: Actor = SYSTEM, *, read_only: bool = False) -> UnitOfWork:
        """One transaction; ``read_only=True`` for pure reads (pages, dashboards, reports)."""
        return UnitOfWork(self, actor, read_only=read_only)

    def schedule_due_work(self) -> None:
        """Let every engine enqueue what its schedule says is due (idempotent keys)."""
        for scheduler in self.schedulers:
            scheduler(self)

    def close(self) -> None:
        self.store.dispose()
