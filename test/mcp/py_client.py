"""The official Python MCP client (`mcp` from PyPI) against todod through
daprd. Usage: python py_client.py URL TOKEN (with the venv of
scripts/install-mcp-clients.sh). Exits 0 when every check passed."""
import asyncio
import sys

import httpx
from jsonschema import Draft202012Validator
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import McpError

URL, TOKEN = sys.argv[1], sys.argv[2]
TOOLS = ["add_task", "list_tasks", "complete_task", "delete_task", "update_task",
         "set_task_recurrence", "skip_task_occurrence", "set_task_due_date", "create_reminder",
         "list_reminders", "set_task_priority", "add_tag_to_task", "remove_tag_from_task",
         "list_tags", "search_tasks", "get_activity_logs"]
counts = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    counts["passed" if ok else "failed"] += 1
    print(("ok " if ok else "FAIL ") + name + ("" if ok else " " + str(detail)[:300]), flush=True)


async def unauthenticated():
    async with httpx.AsyncClient() as http:
        try:
            async with streamable_http_client(URL, http_client=http) as (read, write, _):
                async with ClientSession(read, write) as s:
                    await asyncio.wait_for(s.initialize(), 20)
            check("no token -> 401", False, "initialize succeeded")
        except BaseException as e:  # the SDK raises inside its task group
            text = repr(e)
            while hasattr(e, "exceptions") and e.exceptions:
                e = e.exceptions[0]
                text += " " + repr(e)
            check("no token -> 401", "401" in text, text)


async def main():
    await unauthenticated()
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as http:
        async with streamable_http_client(URL, http_client=http) as (read, write, get_session_id):
            async with ClientSession(read, write) as s:
                init = await s.initialize()
                check("initialize", init.serverInfo.name == "todod" and init.protocolVersion == "2025-11-25")
                check("no session id", get_session_id() is None)
                await s.send_ping()
                check("ping", True)
                tools = (await s.list_tools()).tools
                check("16 tools", [t.name for t in tools] == TOOLS, [t.name for t in tools])
                for t in tools:
                    try:
                        Draft202012Validator.check_schema(t.inputSchema)
                        Draft202012Validator.check_schema(t.outputSchema)
                        check(f"schemas of {t.name} valid (2020-12)", t.inputSchema["additionalProperties"] is False)
                    except Exception as e:
                        check(f"schemas of {t.name} valid (2020-12)", False, e)

                async def ok(name, **args):
                    r = await s.call_tool(name, args)
                    check(f"call {name}", not r.isError and r.structuredContent is not None, r)
                    return r.structuredContent or {}

                t = await ok("add_task", title="py client", due_datetime="2031-06-05T10:00:00Z", tags=["py"])
                await ok("update_task", task_id=t["id"], description="from Python")
                await ok("set_task_priority", task_id=t["id"], priority="Medium")
                await ok("set_task_due_date", task_id=t["id"], due_datetime="2031-06-06T10:00:00Z")
                await ok("set_task_recurrence", task_id=t["id"], recurrence_pattern="weekly",
                         recurrence_weekdays=["FR"])
                await ok("create_reminder", task_id=t["id"], remind_at="2031-06-01T08:00:00Z")
                await ok("list_reminders", status="pending")
                link = await ok("add_tag_to_task", task_id=t["id"], tag_name="py-extra")
                await ok("remove_tag_from_task", task_id=t["id"], tag_id=link.get("tag_id", 0))
                await ok("list_tags")
                found = await ok("search_tasks", filter='priority = Medium')
                check("search finds the task", any(x["id"] == t["id"] for x in found.get("tasks", [])))
                await ok("skip_task_occurrence", task_id=t["id"])
                pending = await ok("list_tasks", status="pending")
                nxt = [x["id"] for x in pending.get("tasks", []) if x["id"] != t["id"]]
                check("skip created the next occurrence", len(nxt) == 1, pending)
                await ok("complete_task", task_id=nxt[0] if nxt else 0)
                await ok("get_activity_logs", task_id=t["id"])
                await ok("delete_task", task_id=t["id"])
                bad = await s.call_tool("set_task_priority", {"task_id": t["id"], "priority": "High"})
                check("isError for a deleted task", bad.isError and "not found" in bad.content[0].text, bad)
                try:
                    await s.call_tool("no_such_tool", {})
                    check("unknown tool -> -32602", False, "no error")
                except McpError as e:
                    check("unknown tool -> -32602", e.error.code == -32602, e.error)
    print(f"{counts['passed']} passed, {counts['failed']} failed", flush=True)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
