"""Every transfer outside the EEA a policy declares, once each (GDPR Art. 13(1)(f),
Art. 30(1)(e)): the activities' own, the processors', their sub-processors' (Art. 28(4):
a sub-processor's country is a transfer too) and the cookies' providers'.

The same recipient written twice ("vimeo" and "Vimeo") in the same country is one
transfer; the first declaration gives its words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from garant.policy.countries import EEA

if TYPE_CHECKING:
    from garant.policy.models import Activity, Policy, Processor


@dataclass(frozen=True)
class TransferLine:
    recipient: str
    country: str
    mechanism: str
    url: str | None = None
    via: str | None = None
    """The processor a sub-processor works for."""


def _of_processor(p: Processor) -> Iterator[TransferLine]:
    for country in p.countries:
        if country not in EEA:
            yield TransferLine(p.name, country, p.transfer, p.safeguard_url)
    for sub in p.sub_processors:
        if sub.country not in EEA:
            yield TransferLine(sub.name, sub.country, p.transfer, p.safeguard_url, via=p.name)


def _lines(policy: Policy, activities: Iterable[Activity], cookies: bool) -> Iterator[TransferLine]:
    processors: list[str] = []
    for a in activities:
        for t in a.transfers:
            yield TransferLine(t.recipient, t.country, t.mechanism, t.safeguard_url)
        processors += [pid for pid in a.processors if pid not in processors]
    for pid in processors:
        yield from _of_processor(policy.processor(pid))
    if cookies:
        for c in policy.cookies:
            if c.country and c.country not in EEA:
                who = c.provider or c.name
                yield TransferLine(who, c.country, c.safeguard or "none", c.safeguard_url)


def transfers(policy: Policy, activities: Iterable[Activity] | None = None) -> list[TransferLine]:
    """Deduplicated by recipient (case and spaces ignored) and country. With no
    ``activities``: the whole policy, every processor and the cookies included."""
    if activities is None:
        lines = list(_lines(policy, policy.activities, cookies=True))
        named = {line.recipient.casefold() for line in lines}
        for p in policy.processors:  # processors no activity names still receive data
            lines += [x for x in _of_processor(p) if x.recipient.casefold() not in named]
    else:
        lines = list(_lines(policy, activities, cookies=False))
    seen: dict[tuple[str, str], TransferLine] = {}
    for line in lines:
        key = (" ".join(line.recipient.casefold().split()), line.country)
        seen.setdefault(key, line)
    return list(seen.values())
