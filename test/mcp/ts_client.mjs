// The official TypeScript MCP client (@modelcontextprotocol/sdk) against todod
// through daprd. Usage: node ts_client.mjs URL TOKEN
// (NODE_PATH-free: run with the cwd or --import resolution of $TODOD_CACHE/mcp/node).
// Exits 0 when every check passed; prints one line per check and a summary.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import Ajv2020 from 'ajv/dist/2020.js';

const [url, token] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok' : 'FAIL'} ${name}${ok ? '' : ' ' + detail}`);
};

function connect(tok) {
  const headers = tok ? { Authorization: `Bearer ${tok}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const errors = [];
  transport.onerror = (e) => errors.push(e.message);
  return { client: new Client({ name: 'todod-ts-test', version: '1.0.0' }), transport, errors };
}

const TOOLS = ['add_task', 'list_tasks', 'complete_task', 'delete_task', 'update_task',
  'set_task_recurrence', 'skip_task_occurrence', 'set_task_due_date', 'create_reminder',
  'list_reminders', 'set_task_priority', 'add_tag_to_task', 'remove_tag_from_task',
  'list_tags', 'search_tasks', 'get_activity_logs'];

try {
  // Unauthenticated: the connect (initialize) fails with HTTP 401.
  {
    const { client, transport } = connect(null);
    let err = null;
    try { await client.connect(transport); } catch (e) { err = e; }
    check('no token -> 401', err && (err.code === 401 || /401/.test(String(err.message))), String(err));
  }

  const { client, transport, errors } = connect(token);
  await client.connect(transport);
  check('initialize', client.getServerVersion()?.name === 'todod');
  check('no session id', transport.sessionId === undefined);
  await client.ping();
  check('ping', true);

  const { tools } = await client.listTools();
  check('16 tools', JSON.stringify(tools.map((t) => t.name)) === JSON.stringify(TOOLS),
    tools.map((t) => t.name).join(','));
  const ajv = new Ajv2020({ strict: false });
  for (const t of tools) {
    let ok = true, why = '';
    try { ajv.compile(t.inputSchema); ajv.compile(t.outputSchema); } catch (e) { ok = false; why = e.message; }
    check(`schemas of ${t.name} compile (2020-12)`, ok && t.inputSchema.additionalProperties === false, why);
  }

  const call = async (name, args) => client.callTool({ name, arguments: args });
  const ok = async (name, args) => {
    const r = await call(name, args);
    check(`call ${name}`, !r.isError && r.structuredContent, JSON.stringify(r).slice(0, 300));
    return r.structuredContent;
  };
  const t = await ok('add_task', { title: 'ts client', due_datetime: '2031-05-05T10:00:00Z', tags: ['ts'] });
  await ok('update_task', { task_id: t.id, description: 'from TypeScript' });
  await ok('set_task_priority', { task_id: t.id, priority: 'High' });
  await ok('set_task_due_date', { task_id: t.id, due_datetime: '2031-05-06T10:00:00Z' });
  await ok('set_task_recurrence', { task_id: t.id, recurrence_pattern: 'daily' });
  await ok('create_reminder', { task_id: t.id, before: '15m' });
  await ok('list_reminders', {});
  const link = await ok('add_tag_to_task', { task_id: t.id, tag_name: 'extra' });
  await ok('remove_tag_from_task', { task_id: t.id, tag_id: link?.tag_id });
  await ok('list_tags', {});
  const s = await ok('search_tasks', { search: 'client', sort_by: 'title' });
  check('search finds the task', s?.tasks?.some((x) => x.id === t.id));
  await ok('skip_task_occurrence', { task_id: t.id });
  const pending = await ok('list_tasks', { status: 'pending' });
  const next = (pending?.tasks || []).filter((x) => x.id !== t.id).map((x) => x.id);
  check('skip created the next occurrence', next.length === 1, JSON.stringify(pending));
  await ok('complete_task', { task_id: next[0] ?? 0 });
  await ok('get_activity_logs', { limit: 10 });
  await ok('delete_task', { task_id: t.id });

  const bad = await call('complete_task', { task_id: t.id });
  check('isError for a deleted task', bad.isError === true && /not found/.test(bad.content[0].text),
    JSON.stringify(bad));
  let unknown = null;
  try { await call('no_such_tool', {}); } catch (e) { unknown = e; }
  check('unknown tool -> -32602', unknown && unknown.code === -32602, String(unknown));
  check('transport reported no errors', errors.length === 0, errors.join('; '));
  await client.close();
} catch (e) {
  check('no exception', false, e && e.stack);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
