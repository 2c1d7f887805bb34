"""Versionless methods: ``/api/api-versions``, ``/api/credentials``, ``/api/system-info``."""

from __future__ import annotations

from ..router import Call, Reply, Router

SYSTEM_VERSION = "8.6.12"


def register(router: Router) -> None:
    @router.add("GET", "/api/api-versions", None)
    def api_versions(call: Call) -> Reply:
        return {"success": True, "versions": ["3.0", "4.0", "5.0"]}

    @router.add("GET", "/api/credentials", None)
    def credentials(call: Call) -> Reply:
        allowed = sorted({
            route.legacy_path for route in router.routes
            if route.scope is not None and route.scope in call.key.scopes
        })
        return {
            "success": True,
            "scopes": sorted(call.key.scopes),
            "credentials": allowed,
            "siteAccess": "access_full" if call.key.sites is None else "access_selective",
            "sitesAvailable": call.visible_sites(),
        }

    @router.add("GET", "/api/system-info", None)
    def system_info(call: Call) -> Reply:
        return {
            "success": True,
            "systemVersion": SYSTEM_VERSION,
            "publicUrl": f"http://{call.host}",
            "technicalUrl": f"http://{call.host}",
        }
