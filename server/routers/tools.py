"""The explanation tools the planner may call, with their argument schemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from saywhy.tools import registry
from saywhy.tools.errors import NotFoundError

from ..dependencies import GUARDS, ServicesDep
from ..schemas import ErrorBody, ToolInfo

router = APIRouter(prefix="/api/v1/tools", tags=["tools"], dependencies=GUARDS,
                   responses={401: {"model": ErrorBody}, 429: {"model": ErrorBody}})


def _info(tool: Any, svc: Any) -> ToolInfo:
    ctx = svc.ctx
    available = ctx is not None and ctx.target.kind in tool.all_kinds and (
        not tool.needs_data or ctx.data is not None)
    schema = tool.json_schema()
    return ToolInfo(name=tool.name, description=schema["description"],
                    parameters=schema["parameters"], kinds=sorted(tool.all_kinds),
                    needs_data=tool.needs_data, available=available)


@router.get("", response_model=list[ToolInfo], summary="List tools")
async def list_tools(svc: ServicesDep) -> list[ToolInfo]:
    """Every registered tool; `available` says whether it works on the loaded model and data."""
    return [_info(t, svc) for t in registry.all_tools()]


@router.get("/{name}", response_model=ToolInfo, summary="Describe one tool",
            responses={404: {"model": ErrorBody}})
async def get_tool(name: str, svc: ServicesDep) -> ToolInfo:
    if name not in registry.names():
        raise NotFoundError(f"Unknown tool {name!r}. Known tools: {', '.join(registry.names())}.")
    return _info(registry.get(name), svc)
