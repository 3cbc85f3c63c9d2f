"""The API docs (`/docs`) and every static file, served from this server alone.

FastAPI's own `/docs` loads swagger-ui from a public CDN and starts it with an inline script; on
the origin where the chat page keeps the API token in `localStorage`, a script from elsewhere
could read it. So the swagger-ui bundle comes from the `fastapi-offline` package's copy, the page
is started by a script of our own (`/docs/init.js`, its settings read from a `data-` attribute),
and the docs page carries the chat page's CSP: nothing outside this origin is loaded or run.

Every static response (the page's `/static/*`, the docs' assets) says `nosniff`, so a browser
never runs a file as a script or a style because its bytes look like one.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.docs import swagger_ui_default_parameters
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

DOCS_ASSETS = Path(str(files("fastapi_offline") / "static"))
ASSETS_URL = "/docs/assets"
INIT_JS = """\
"use strict";
(function () {
  var holder = document.getElementById("swagger-ui");
  var config = JSON.parse(holder.getAttribute("data-config"));
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  window.ui = SwaggerUIBundle(config);
})();
"""


class HeaderStaticFiles(StaticFiles):
    """StaticFiles whose every file response (200s and 304s) carries the given headers."""

    def __init__(self, *, directory: Path, headers: Mapping[str, str]) -> None:
        super().__init__(directory=directory)
        self.headers = dict(headers)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(self.headers)
        return response


def _page(root: str, title: str, config: dict[str, object]) -> str:
    attr = html.escape(json.dumps(jsonable_encoder(config)), quote=True)
    assets = f"{root}{ASSETS_URL}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-config="{attr}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{root}/docs/init.js"></script>
</body>
</html>
"""


def install(app: FastAPI, headers: Mapping[str, str]) -> None:
    """Serve `/docs` (page, start-up script, swagger-ui assets) under `headers` (the chat page's
    CSP and friends). The app must be made with `docs_url=None`."""
    static_headers = {"X-Content-Type-Options": "nosniff",
                      "Cache-Control": "public, max-age=3600"}

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        config = {**swagger_ui_default_parameters, **(app.swagger_ui_parameters or {}),
                  "url": f"{root}{app.openapi_url}",
                  "validatorUrl": None}  # its default asks a public validator for a badge
        return HTMLResponse(_page(root, f"{app.title} - API docs", config),
                            headers=dict(headers))

    @app.get("/docs/init.js", include_in_schema=False)
    async def init_js() -> Response:
        return Response(INIT_JS, media_type="text/javascript",
                        headers={**headers, **static_headers})

    app.mount(ASSETS_URL, HeaderStaticFiles(directory=DOCS_ASSETS,
                                            headers={**headers, **static_headers}),
              name="docs-assets")
