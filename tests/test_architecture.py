"""The direction of calls between the project's apps (docs/architecture.md), read from the
source: every import of every ``.py`` file of the apps, at module level and inside functions
alike (``TYPE_CHECKING`` blocks included), migrations included.

    interfaces (portal, backoffice, api, demo) → reporting → revalidation → validations
        → traders → core

``reporting`` holds the staff's reads across the domain apps (the dashboard, the work
queue), served by the back office and the API alike.

``notifications`` stands beside ``core``: both may be used by every app above them, and each
may use the other, but not both ways at once (that would be a cycle). A domain app never
imports an interface; interfaces do not import one another. Anything else is listed below,
with its reason, and the list is checked to be still needed, so it only shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The lower the rank, the more basic the app; an app imports only apps of a lower rank, but
# core and notifications (rank 0) may import each other.
DOMAIN_RANK = {
    "core": 0,
    "notifications": 0,
    "traders": 1,
    "validations": 2,
    "revalidation": 3,
    "reporting": 4,
}
INTERFACES = frozenset({"portal", "backoffice", "api", "demo"})
APPS = frozenset(DOMAIN_RANK) | INTERFACES

# Imports against the direction, each (importing module or package, imported app): reason.
KNOWN_IMPORTS: dict[tuple[str, str], str] = {}  # none today

# Modules that reach other apps' models through the app registry (apps.get_model(s)), which
# no import shows. Each (module): reason.
KNOWN_REGISTRY_LOOKUPS: dict[str, str] = {}  # none today


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    app: str
    line: int
    target: str  # the imported module, dotted
    target_app: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            yield _module_name(path), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports() -> list[Import]:
    found = []
    for module, tree in _sources():
        app = module.split(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module]
            else:
                continue  # a relative import stays inside its app
            for target in targets:
                target_app = target.split(".")[0]
                if target_app in APPS and target_app != app:
                    found.append(Import(module, app, node.lineno, target, target_app))
    return found


def _allowed(app: str, target_app: str) -> bool:
    if app in INTERFACES:
        return target_app not in INTERFACES
    if target_app in INTERFACES:
        return False
    rank, target_rank = DOMAIN_RANK[app], DOMAIN_RANK[target_app]
    return target_rank < rank or target_rank == rank == 0


def _known(imp: Import) -> bool:
    return any(
        (imp.module == prefix or imp.module.startswith(prefix + ".")) and imp.target_app == app
        for prefix, app in KNOWN_IMPORTS
    )


def test_imports_follow_the_direction() -> None:
    wrong = [str(i) for i in _imports() if not _allowed(i.app, i.target_app) and not _known(i)]
    assert not wrong, "Imports against the direction of calls:\n" + "\n".join(wrong)


def test_no_import_cycle_between_apps() -> None:
    graph: dict[str, set[str]] = {app: set() for app in APPS}
    for imp in _imports():  # the known exceptions included: they must not close a cycle
        graph[imp.app].add(imp.target_app)
    reach = {app: set(targets) for app, targets in graph.items()}
    for middle in APPS:  # Warshall: reach[a] is every app a imports, directly or not
        for app in APPS:
            if middle in reach[app]:
                reach[app] |= reach[middle]
    tangles = {
        frozenset(other for other in APPS if other in reach[app] and app in reach[other])
        for app in APPS
        if app in reach[app]
    }
    described = [
        ", ".join(f"{a} → {b}" for a in sorted(group) for b in sorted(graph[a] & group))
        for group in tangles
    ]
    assert not described, "Apps that import one another:\n" + "\n".join(sorted(described))


def test_every_known_exception_is_still_needed() -> None:
    imports = _imports()
    stale = [
        f"{prefix} → {app}"
        for prefix, app in KNOWN_IMPORTS
        if not any(
            (i.module == prefix or i.module.startswith(prefix + ".")) and i.target_app == app
            for i in imports
        )
    ]
    assert not stale, "Known exceptions no longer needed (remove them):\n" + "\n".join(stale)


def _registry_lookups() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for module, tree in _sources():
        if ".migrations." in module:
            continue  # migrations read historical models through the registry they are given
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get_model", "get_models", "import_module")
            ) or (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__"):
                found.setdefault(module, []).append(node.lineno)
    return found


def test_other_apps_models_are_reached_by_import_only() -> None:
    """An import shows an arrow; a lookup in the app registry hides one."""
    lookups = _registry_lookups()
    hidden = [f"{m}:{lines}" for m, lines in lookups.items() if m not in KNOWN_REGISTRY_LOOKUPS]
    assert not hidden, "Models reached through the app registry:\n" + "\n".join(hidden)
    stale = [m for m in KNOWN_REGISTRY_LOOKUPS if m not in lookups]
    assert not stale, "Known registry lookups no longer made (remove them): " + ", ".join(stale)


def test_interfaces_withdraw_through_validations() -> None:
    """``traders.services.application_withdraw`` withdraws the application only; the
    interfaces call ``validations.services.application_withdraw``, which also cancels the
    visits still scheduled, in the same transaction."""
    wrong = []
    for module, tree in _sources():
        if module.split(".")[0] not in INTERFACES:
            continue
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "traders":
                aliases |= {a.asname or a.name for a in node.names if a.name == "services"}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "traders.services"
            ):
                if any(a.name == "application_withdraw" for a in node.names):
                    wrong.append(f"{module}:{node.lineno}")
            elif isinstance(node, ast.Import):
                aliases |= {
                    a.asname for a in node.names if a.name == "traders.services" and a.asname
                }
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "application_withdraw":
                owner = ast.unparse(node.value)
                if owner in aliases or owner == "traders.services":
                    wrong.append(f"{module}:{node.lineno}")
    assert not wrong, "Withdrawals that would leave visits scheduled:\n" + "\n".join(wrong)
