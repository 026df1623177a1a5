"""axe-core in Debian's Chromium on every public page (issue 18): no serious or critical
accessibility violation (WCAG 2.1 A and AA rules), in French and in English.

``fixtures/axe/axe.min.js`` is axe-core 4.14.1 from npm (``npm pack axe-core``), MPL-2.0,
its licence beside it. The page's CSP allows 'self' only, so the test's context bypasses
it to inject axe (the site itself never loads a script from elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from garant.app import Garant

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "fixtures" / "axe" / "axe.min.js"
PUBLIC_PAGES = [
    "/privacy",
    "/privacy/notice",
    "/privacy/requests",
    "/privacy/consents",
    "/privacy/policy/versions",
    "/privacy/retention",
    "/privacy/breaches",
    "/cookies/demo",
    "/login",
    "/privacy/no-such-page",
]
RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_no_serious_or_critical_violation_on_any_public_page(
    make_garant: Callable[..., Garant], browser: Any, live_server: Any, example: str
) -> None:
    garant = make_garant(example=example)
    script = AXE.read_text(encoding="utf-8")
    found: list[str] = []
    with live_server(garant) as server:
        for locale in ("fr-FR", "en-GB"):
            context = browser.new_context(bypass_csp=True, locale=locale)
            page = context.new_page()
            for path in PUBLIC_PAGES:
                page.goto(f"{server.url}{path}")
                page.evaluate(script)
                found += [f"{locale} {path}: {v}" for v in page.evaluate(RUN)]
            assert page.evaluate("axe.version") == "4.14.1"
            # the same run does find a fault when there is one (an image without words)
            page.set_content('<html lang="en"><body><main><img src="/x.png"></main></body></html>')
            page.evaluate(script)
            assert any(v.startswith("image-alt (critical)") for v in page.evaluate(RUN))
            context.close()
    assert found == [], "\n".join(found)
