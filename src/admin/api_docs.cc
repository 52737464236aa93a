// The admin API's documents: the dashboard page and the OpenAPI description, both embedded.
#include "admin/api_server.h"

namespace holdfast::admin {

const std::string& dashboardHtml() {
  // One page, no external assets. The token comes from the URL fragment (#token=..., never sent
  // to the server in the URL) or a form, and is kept in sessionStorage for this tab only. Every
  // value from the API is inserted as text, never as HTML.
  static const std::string page = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>holdfast</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
header{background:#1d3557;color:#fff;padding:10px 18px;display:flex;gap:16px;align-items:baseline}
header h1{font-size:18px;margin:0}#updated{opacity:.8;font-size:12px}
main{padding:12px 18px;display:grid;gap:14px}
section{background:#fff;border:1px solid #d9dee5;border-radius:6px;padding:10px 14px}
h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
th{font-weight:600;color:#4a5563}.ok{color:#1b7f3b}.bad{color:#b3261e;font-weight:600}
.muted{color:#6b7580}.alert{background:#fdecea;border-left:4px solid #b3261e;padding:4px 8px;margin:3px 0}
#login{display:none}#error{color:#b3261e}svg text{font-size:10px;fill:#4a5563}
</style></head><body>
<header><h1>holdfast</h1><span id="version"></span><span id="updated">loading…</span></header>
<main>
<section id="login"><h2>Admin token</h2>
<p>Paste the token from the admin token file (<code>holdfast-data/admin.token</code>).</p>
<input id="token" type="password" size="70"> <button id="save">Use token</button></section>
<div id="error"></div>
<section><h2>Active alerts</h2><div id="alerts"></div></section>
<section><h2>Endpoints</h2><table><thead><tr><th>endpoint</th><th>generation</th>
<th>published addresses</th><th>backends</th><th>state</th></tr></thead>
<tbody id="endpoints"></tbody></table></section>
<section><h2>Generations</h2><div id="timeline"></div></section>
<section><h2>Enactors</h2><table><thead><tr><th>enactor</th><th>last applied</th>
<th>applied</th><th>stale refused</th><th>held</th><th>last error</th></tr></thead>
<tbody id="enactors"></tbody></table><p id="lag" class="muted"></p></section>
</main>
<script>
'use strict';
const KEY = 'holdfast.token';
function takeToken() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(KEY) || '';
}
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function row(cells) {
  const tr = el('tr');
  for (const c of cells) {
    const td = el('td');
    if (c instanceof Node) td.appendChild(c); else td.textContent = String(c);
    tr.appendChild(td);
  }
  return tr;
}
function when(ms) { return ms ? new Date(ms).toLocaleTimeString() : 'never'; }
async function api(path) {
  const r = await fetch('/api/v1/' + path, {headers: {Authorization: 'Bearer ' + takeToken()}});
  if (r.status === 401) { document.getElementById('login').style.display = 'block'; throw new Error('token refused'); }
  if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
  return r.json();
}
function backendsCell(e) {
  const d = el('div');
  for (const b of e.backends) {
    const h = b.health;
    const s = el('div', b.address + ' ' + (h ? (h.healthy ? 'healthy' : 'unhealthy: ' + h.reason) : 'not checked'),
                 h && h.healthy ? 'ok' : 'bad');
    s.dataset.backend = b.address;
    d.appendChild(s);
  }
  return d;
}
function timeline(name, entries) {
  const box = el('div');
  box.appendChild(el('div', name, 'muted'));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const w = 760, h = 46;
  svg.setAttribute('width', w); svg.setAttribute('height', h);
  const line = document.createElementNS(ns, 'line');
  line.setAttribute('x1', 10); line.setAttribute('x2', w - 10);
  line.setAttribute('y1', 18); line.setAttribute('y2', 18); line.setAttribute('stroke', '#c5ccd6');
  svg.appendChild(line);
  const n = entries.length;
  entries.forEach((x, i) => {
    const cx = n === 1 ? w / 2 : 14 + i * (w - 28) / (n - 1);
    const c = document.createElementNS(ns, 'circle');
    c.setAttribute('cx', cx); c.setAttribute('cy', 18); c.setAttribute('r', 6);
    c.setAttribute('fill', x.removed.length ? '#e07a1f' : '#2a7de1');
    const t = document.createElementNS(ns, 'title');
    t.textContent = 'generation ' + x.new_generation + ' by ' + x.by + ' at ' + when(x.applied_at_ms) +
        (x.added.length ? ' +' + x.added.join(',') : '') + (x.removed.length ? ' -' + x.removed.join(',') : '');
    c.appendChild(t); svg.appendChild(c);
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', cx - 4); label.setAttribute('y', 40);
    label.textContent = 'g' + x.new_generation;
    svg.appendChild(label);
  });
  box.appendChild(svg);
  const list = el('div', entries.length ? 'generations: ' + entries.map(x => x.new_generation).join(' → ') : 'no publish yet', 'muted');
  list.dataset.generations = name;
  box.appendChild(list);
  return box;
}
async function refresh() {
  try {
    const s = await api('status');
    document.getElementById('login').style.display = 'none';
    document.getElementById('error').textContent = '';
    document.getElementById('version').textContent = s.version;
    const alerts = document.getElementById('alerts');
    alerts.replaceChildren();
    if (!s.alerts.length) alerts.appendChild(el('div', 'none', 'ok'));
    for (const a of s.alerts) alerts.appendChild(el('div', a.name + ' ' + a.subject + ': ' + a.summary, 'alert'));
    const tbody = document.getElementById('endpoints');
    tbody.replaceChildren();
    const tl = document.getElementById('timeline');
    const boxes = [];
    for (const e of s.endpoints) {
      const addrs = e.published ? e.published.addresses.join(', ') : 'nothing published';
      const state = e.paused ? 'paused' : (e.fail_open ? 'failing open' : (e.lag_generations ? 'plan pending' : 'up to date'));
      const tr = row([e.name, 'generation ' + e.generation, addrs, backendsCell(e), state]);
      tr.dataset.endpoint = e.name;
      tbody.appendChild(tr);
      const h = await api('endpoints/' + encodeURIComponent(e.name) + '/history?limit=30');
      boxes.push(timeline(e.name, h.entries));
    }
    tl.replaceChildren(...boxes);
    const et = document.getElementById('enactors');
    et.replaceChildren();
    for (const x of s.enactors) {
      et.appendChild(row([x.id, x.last_applied_generation ? 'generation ' + x.last_applied_generation + ' of ' + x.last_applied_endpoint + ' at ' + when(x.last_applied_at_ms) : 'none yet',
                          x.applied, x.stale_refused, x.held, x.last_error || '—']));
    }
    document.getElementById('lag').textContent = 'lag: ' + s.endpoints.map(e => e.name + ' ' + e.lag_generations + ' generation(s) behind the newest plan').join('; ');
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (err) {
    document.getElementById('error').textContent = String(err.message || err);
  }
  setTimeout(refresh, 2000);
}
document.getElementById('save').addEventListener('click', () => {
  sessionStorage.setItem(KEY, document.getElementById('token').value.trim());
});
refresh();
</script></body></html>
)html";
  return page;
}

const std::string& openApiJson() {
  static const std::string document = R"json({
  "openapi": "3.0.3",
  "info": {"title": "holdfast admin API", "version": "1",
           "description": "Every route needs Authorization: Bearer <token> (the admin token file). Errors: {\"error\": {\"status\", \"code\", \"field\", \"reason\"}}."},
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
      "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "status": {"type": "integer"}, "code": {"type": "string"},
        "field": {"type": "string"}, "reason": {"type": "string"}}}}},
      "PauseRequest": {"type": "object", "additionalProperties": false, "properties": {
        "reason": {"type": "string", "maxLength": 1024}, "by": {"type": "string", "maxLength": 1024}}},
      "ApplyRequest": {"type": "object", "additionalProperties": false, "properties": {
        "dry_run": {"type": "boolean", "default": false, "description": "report what would be published; write nothing"},
        "approve": {"type": "boolean", "default": false, "description": "lift the change budget for this publish (a plan held for approval)"},
        "generation": {"type": "integer", "minimum": 1, "description": "the plan generation the caller reviewed; 409 if it is no longer the newest valid plan"},
        "reason": {"type": "string", "maxLength": 1024, "description": "added to the journal entry's why"},
        "by": {"type": "string", "maxLength": 1024, "description": "who: 'operator:<login>' is recorded as is, anything else as 'api:<by>'"}}},
      "EndpointDefinition": {"type": "object", "additionalProperties": false, "required": ["name", "backends", "check"],
        "description": "The keys, defaults and checks of an endpoints: entry of the configuration file, plus zone and by. PUT may leave out name (the path names the endpoint).",
        "properties": {
          "name": {"type": "string", "description": "fully qualified name inside a served zone, e.g. web.example.test"},
          "zone": {"type": "string", "description": "a zone of the configuration's zones: (default: the most specific one holding the name)"},
          "type": {"type": "string", "enum": ["A", "AAAA"], "default": "A"},
          "ttl": {"type": "integer", "minimum": 0, "maximum": 2147483647, "default": 30},
          "backends": {"type": "array", "minItems": 1, "items": {"type": "string"}, "description": "IPv4 (A) or IPv6 (AAAA) addresses, each once"},
          "check": {"type": "object", "additionalProperties": false, "required": ["kind", "port"], "properties": {
            "kind": {"type": "string", "enum": ["tcp", "http"]}, "port": {"type": "integer", "minimum": 1, "maximum": 65535},
            "path": {"type": "string", "default": "/"}, "interval": {"type": "string", "default": "1s"},
            "timeout": {"type": "string", "default": "500ms"}, "rise": {"type": "integer", "minimum": 1, "maximum": 100, "default": 2},
            "fall": {"type": "integer", "minimum": 1, "maximum": 100, "default": 2}}},
          "policy": {"type": "object", "additionalProperties": false, "description": "as control.policy, whose values are the defaults", "properties": {
            "max_remove": {"type": "string", "description": "a count such as 3 or a share such as 30%"},
            "over_budget": {"type": "string", "enum": ["step", "hold"]}, "fail_open": {"type": "boolean"},
            "min_healthy": {"type": "integer", "minimum": 1}, "panic_threshold": {"type": "string", "description": "1% to 100%, or off"}}},
          "by": {"type": "string", "maxLength": 1024, "description": "who asks; recorded as api:<by> (default api)"}}},
      "DeleteRequest": {"type": "object", "additionalProperties": false, "properties": {
        "by": {"type": "string", "maxLength": 1024}}}
    },
    "responses": {
      "Invalid": {"description": "bad body: error.field names the field (backends[1], check.port, zone, name, body)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Conflict": {"description": "the name exists, the definition changed meanwhile, or the endpoint is defined in the configuration file (field name)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotApplied": {"description": "the change could not be applied; the store write was undone (code not_applied)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "StoreUnavailable": {"description": "the store failed; nothing was written", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "parameters": {
      "name": {"name": "name", "in": "path", "required": true, "schema": {"type": "string"},
               "description": "endpoint name, with or without the trailing dot"}
    }
  },
  "security": [{"bearer": []}],
  "paths": {
    "/api/v1/status": {"get": {"summary": "endpoints, enactors and active alerts in one answer", "responses": {"200": {"description": "status"}, "401": {"description": "no or wrong token"}}}},
    "/api/v1/endpoints": {
      "get": {"summary": "every endpoint: source (config or api), published addresses, generation, lag, backend health, pauses", "responses": {"200": {"description": "endpoints"}}},
      "post": {"summary": "create an endpoint (stored in defs/endpoints/<name>, applied before the answer)", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EndpointDefinition"}}}},
               "responses": {"201": {"description": "created and applied: the endpoint as GET shows it, source api"}, "400": {"$ref": "#/components/responses/Invalid"}, "409": {"$ref": "#/components/responses/Conflict"}, "500": {"$ref": "#/components/responses/NotApplied"}, "503": {"$ref": "#/components/responses/StoreUnavailable"}}}},
    "/api/v1/endpoints/{name}": {
      "parameters": [{"$ref": "#/components/parameters/name"}],
      "get": {"summary": "one endpoint, with its active alerts", "responses": {"200": {"description": "endpoint"}, "404": {"description": "unknown endpoint"}}},
      "put": {"summary": "replace an endpoint made through the API (compare-and-swap on its definition), applied before the answer", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EndpointDefinition"}}}},
              "responses": {"200": {"description": "replaced and applied: the endpoint as GET shows it"}, "400": {"$ref": "#/components/responses/Invalid"}, "404": {"description": "no endpoint of that name was made through the API"}, "409": {"$ref": "#/components/responses/Conflict"}, "500": {"$ref": "#/components/responses/NotApplied"}, "503": {"$ref": "#/components/responses/StoreUnavailable"}}},
      "delete": {"summary": "delete an endpoint made through the API; the name stops being served before the answer", "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeleteRequest"}}}},
                 "responses": {"200": {"description": "deleted: {\"deleted\": name, \"by\": who}"}, "400": {"$ref": "#/components/responses/Invalid"}, "404": {"description": "no endpoint of that name was made through the API"}, "409": {"$ref": "#/components/responses/Conflict"}, "500": {"$ref": "#/components/responses/NotApplied"}, "503": {"$ref": "#/components/responses/StoreUnavailable"}}}},
    "/api/v1/endpoints/{name}/plans": {
      "parameters": [{"$ref": "#/components/parameters/name"}],
      "get": {"summary": "plans kept in the store, newest first (invalid ones with their problem)", "responses": {"200": {"description": "plans"}}}},
    "/api/v1/endpoints/{name}/plans/{generation}": {
      "parameters": [{"$ref": "#/components/parameters/name"},
                     {"name": "generation", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
      "get": {"summary": "one plan", "responses": {"200": {"description": "plan"}, "400": {"description": "bad generation"}, "404": {"description": "no such plan"}}}},
    "/api/v1/endpoints/{name}/diff": {
      "parameters": [{"$ref": "#/components/parameters/name"}],
      "get": {"summary": "what the next publish would change, and whether it would be held or paused", "responses": {"200": {"description": "review"}}}},
    "/api/v1/endpoints/{name}/history": {
      "parameters": [{"$ref": "#/components/parameters/name"},
                     {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}}],
      "get": {"summary": "audit journal of the endpoint, oldest first (the last `limit` entries)", "responses": {"200": {"description": "entries"}, "400": {"description": "bad limit"}}}},
    "/api/v1/endpoints/{name}/pause": {
      "parameters": [{"$ref": "#/components/parameters/name"}],
      "post": {"summary": "pause publishing of one endpoint", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PauseRequest"}}}}, "responses": {"200": {"description": "paused"}, "400": {"description": "bad body"}}}},
    "/api/v1/endpoints/{name}/apply": {
      "parameters": [{"$ref": "#/components/parameters/name"}],
      "post": {"summary": "publish the newest valid plan now, as an operator (approving one held by the change budget with approve: true); dry_run: true only reports the diff and verdict", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApplyRequest"}}}}, "responses": {"200": {"description": "published (applied: true, generation, added, removed, by), or the dry run's review (dry_run: true)"}, "400": {"description": "bad body"}, "404": {"description": "no such endpoint"}, "409": {"description": "nothing to apply, held (approve: false), paused, stale generation, or contended; error.code says which"}, "503": {"description": "store failed"}}}},
    "/api/v1/endpoints/{name}/resume": {
      "parameters": [{"$ref": "#/components/parameters/name"}],
      "post": {"summary": "lift the pause of one endpoint", "responses": {"200": {"description": "resumed; lifted is false if it was not paused"}}}},
    "/api/v1/pause": {"post": {"summary": "pause publishing of every endpoint", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PauseRequest"}}}}, "responses": {"200": {"description": "paused"}, "400": {"description": "bad body"}}}},
    "/api/v1/resume": {"post": {"summary": "lift the global pause", "responses": {"200": {"description": "resumed"}}}},
    "/api/v1/enactors": {"get": {"summary": "per enactor: last applied generation, counters, last error; per endpoint: lag behind the newest plan", "responses": {"200": {"description": "enactors"}}}},
    "/api/v1/zones": {"get": {"summary": "configured zones with their serial offset and endpoints", "responses": {"200": {"description": "zones"}}}},
    "/api/v1/alerts": {"get": {"summary": "conditions that need attention: paused, failing open, unhealthy backends, pending plans", "responses": {"200": {"description": "alerts"}}}},
    "/api/v1/openapi.json": {"get": {"summary": "this document", "responses": {"200": {"description": "OpenAPI 3"}}}}
  }
}
)json";
  return document;
}

}  // namespace holdfast::admin
