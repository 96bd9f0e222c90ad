// The dashboard's page: its style, its small script and the shell they live in. The
// page holds no data; the script asks for the token once (sessionStorage, gone when
// the tab closes), fetches each view as HTML rendered and escaped by the server, wires
// the buttons (replay, retry now, bulk replay with a dry-run count and progress) and
// refreshes the view every 10 s while the tab is visible and nobody is typing.

const STYLE = `
:root { color-scheme: light dark; --fg:#1d2430; --muted:#5b6575; --line:#d9dee7; --card:#fff; --bg:#f4f6f9; --ok:#1f883d; --bad:#cf222e; --warn:#9a6700; --bar:#4c6ef5; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9aa4b2; --line:#30363d; --card:#161b22; --bg:#0d1117; --bar:#7c94ff; } }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; align-items:center; gap:1rem; padding:.8rem 1.5rem; border-bottom:1px solid var(--line); background:var(--card); }
header h1 { font-size:1.1rem; margin:0; flex:1; }
main { padding:1.2rem 1.5rem; max-width:1280px; margin:0 auto; }
button { font:inherit; padding:.3rem .8rem; border:1px solid var(--line); border-radius:6px; background:var(--card); color:var(--fg); cursor:pointer; }
button.primary { background:var(--bar); color:#fff; border-color:transparent; }
button:disabled { opacity:.5; cursor:default; }
input { font:inherit; padding:.35rem .6rem; border:1px solid var(--line); border-radius:6px; width:22rem; max-width:100%; background:var(--card); color:var(--fg); }
.tiles { display:grid; grid-template-columns:repeat(auto-fit,minmax(160px,1fr)); gap:.8rem; margin-bottom:1.2rem; }
.tile, section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.8rem 1rem; }
.tile .label { color:var(--muted); font-size:.8rem; text-transform:uppercase; letter-spacing:.03em; }
.tile .value { font-size:1.6rem; font-weight:600; font-variant-numeric:tabular-nums; }
.tile .sub { color:var(--muted); font-size:.8rem; }
.good { color:var(--ok); } .bad { color:var(--bad); } .warn { color:var(--warn); }
section { margin-bottom:1.2rem; } section h2 { font-size:1rem; margin:0 0 .6rem; }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(340px,1fr)); gap:.8rem; }
.chart h3 { font-size:.9rem; margin:0 0 .2rem; } .chart .sub { color:var(--muted); font-size:.8rem; }
svg.spark { width:100%; height:auto; display:block; }
svg .bar { fill:var(--bar); opacity:.75; } svg .rate { fill:none; stroke:var(--ok); stroke-width:2; }
svg .axis { stroke:var(--line); } svg text { fill:var(--muted); font-size:10px; }
table { border-collapse:collapse; width:100%; } th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:500; font-size:.8rem; } td.num { text-align:right; font-variant-numeric:tabular-nums; }
.pill { display:inline-block; padding:0 .5rem; border-radius:999px; font-size:.8rem; border:1px solid currentColor; }
.empty { color:var(--muted); }
.two { display:grid; grid-template-columns:repeat(auto-fit,minmax(420px,1fr)); gap:1.2rem; }
#message { color:var(--muted); } #login { display:flex; flex-direction:column; gap:.6rem; max-width:30rem; margin:4rem auto; }
a { color:var(--bar); } a:hover { text-decoration:underline; }
header nav { display:flex; gap:.2rem; } header nav a { padding:.3rem .7rem; border-radius:6px; text-decoration:none; color:var(--fg); }
header nav a[aria-current="page"] { background:var(--bg); font-weight:600; }
.filters { display:flex; flex-wrap:wrap; gap:.5rem .8rem; align-items:flex-end; margin-bottom:.8rem; }
.filters label { display:flex; flex-direction:column; font-size:.8rem; color:var(--muted); gap:.15rem; }
.filters input { width:11rem; } .filters input[name="q"] { width:16rem; }
select { font:inherit; padding:.3rem .4rem; border:1px solid var(--line); border-radius:6px; background:var(--card); color:var(--fg); }
.mono, pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:.85rem; }
td.clip { max-width:18rem; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
td.error { max-width:28rem; overflow-wrap:anywhere; }
pre { margin:0; padding:.6rem .8rem; background:var(--bg); border:1px solid var(--line); border-radius:6px; overflow:auto; max-height:28rem; white-space:pre-wrap; overflow-wrap:anywhere; }
.pager { display:flex; gap:1rem; margin-top:.6rem; } .crumbs { margin:0 0 .8rem; }
dl.facts { display:grid; grid-template-columns:repeat(auto-fit,minmax(220px,1fr)); gap:.5rem 1rem; margin:0; }
dl.facts dt { color:var(--muted); font-size:.8rem; } dl.facts dd { margin:0; overflow-wrap:anywhere; }
.delivery { border-top:1px solid var(--line); padding:.6rem 0; } .delivery:first-of-type { border-top:0; }
.delivery-head { display:flex; flex-wrap:wrap; align-items:center; gap:.6rem; margin-bottom:.4rem; }
.delivery-head h3 { font-size:.95rem; margin:0; } .delivery-head .actions { margin-left:auto; }
table.headers th { width:14rem; color:var(--fg); }
.bulk { display:flex; flex-direction:column; gap:.4rem; padding:.6rem .8rem; margin-bottom:.8rem; border:1px dashed var(--line); border-radius:6px; }
progress { width:14rem; vertical-align:middle; }
#feedback { margin:0 0 1rem; padding:.5rem .8rem; border-radius:6px; border:1px solid var(--line); background:var(--card); }
#feedback.bad { border-color:var(--bad); } #feedback.good { border-color:var(--ok); }
details summary { cursor:pointer; color:var(--muted); font-size:.8rem; }
[hidden] { display:none !important; }
`;

// Runs in the browser. The token never leaves sessionStorage except in the
// Authorization header of requests to this origin. Views are chosen by the hash
// (#/, #/events?…, #/event/<id>, #/dead?…) and rendered by the server, escaped there.
const SCRIPT = `
"use strict";
const KEY = "hookgate.adminToken";
const $ = (id) => document.getElementById(id);
const login = $("login"), panel = $("panel"), message = $("message"), logout = $("logout"), nav = $("nav"), feedback = $("feedback");
const token = () => sessionStorage.getItem(KEY);
const authed = (path, init = {}) => fetch(path, { ...init, headers: { ...(init.headers || {}), authorization: "Bearer " + token() } });
const post = async (path, body) => {
  const res = await authed(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { ok: res.ok, status: res.status, body: await res.json().catch(() => ({})) };
};
let busy = false;
function showLogin(text) {
  login.hidden = false; panel.hidden = true; logout.hidden = true; nav.hidden = true;
  $("login-error").textContent = text || "";
}
function say(text, kind) {
  feedback.textContent = text; feedback.className = kind || ""; feedback.hidden = !text;
  message.textContent = text;
}
function view() {
  const hash = location.hash.replace(/^#\\/?/, "");
  const at = hash.indexOf("?");
  const path = at < 0 ? hash : hash.slice(0, at);
  const params = new URLSearchParams(at < 0 ? "" : hash.slice(at + 1));
  const [name, id] = path.split("/");
  if (name === "event" && id) { params.set("id", decodeURIComponent(id)); return { name: "event", params }; }
  if (name === "events" || name === "dead") return { name, params };
  return { name: "overview", params: new URLSearchParams() };
}
async function load(quiet) {
  if (!token()) return showLogin("");
  const v = view();
  const params = new URLSearchParams(v.params);
  params.set("panel", v.name === "overview" ? "1" : v.name);
  const res = await authed("dashboard?" + params);
  if (res.status === 401) { sessionStorage.removeItem(KEY); return showLogin("That token was refused."); }
  login.hidden = true; logout.hidden = false; nav.hidden = false;
  for (const a of nav.querySelectorAll("a")) {
    if (a.dataset.view === (v.name === "event" ? "events" : v.name)) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    const why = body.message || ("answer " + res.status);
    if (res.status === 400 || res.status === 404) {
      panel.hidden = false;
      panel.replaceChildren(Object.assign(document.createElement("p"), { className: "bad", textContent: why }));
    }
    message.textContent = "Could not load: " + why + (res.status >= 500 ? "; retrying in 10 s." : "");
    return;
  }
  panel.innerHTML = await res.text();
  panel.hidden = false;
  if (!quiet || !feedback.textContent) message.textContent = "Updated " + new Date().toLocaleTimeString();
}
$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("token");
  sessionStorage.setItem(KEY, input.value.trim()); input.value = "";
  load();
});
logout.addEventListener("click", () => { sessionStorage.removeItem(KEY); panel.innerHTML = ""; say(""); showLogin(""); });
window.addEventListener("hashchange", () => { say(""); load(); });
panel.addEventListener("submit", (e) => {
  const form = e.target.closest("form[data-filter]");
  if (!form) return;
  e.preventDefault();
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (String(value).trim()) params.set(name, String(value).trim());
  const hash = "#/" + form.dataset.filter + (params.size ? "?" + params : "");
  if (location.hash === hash) load(); else location.hash = hash;
});
async function act(button) {
  const id = Number(button.dataset.id);
  button.disabled = true;
  if (button.dataset.action === "replay") {
    const r = await post("replay", { id });
    if (!r.ok) say("Replay of delivery " + id + " failed: " + (r.body.message || r.status), "bad");
    else say("Delivery " + id + ": " + (r.body.replayed ? "replayed; the next drain attempts it" : (r.body.message || "not replayed")), r.body.replayed ? "good" : "bad");
  } else {
    const r = await post("retry", { id });
    if (!r.ok) say("Retry of delivery " + id + " failed: " + (r.body.message || r.status), "bad");
    else say(r.body.message ? r.body.message.charAt(0).toUpperCase() + r.body.message.slice(1) : "Delivery " + id + ": retried", r.body.retried ? "good" : "bad");
  }
  await load(true);
}
async function bulk(box, dryRun) {
  const filter = JSON.parse(box.dataset.bulkFilter);
  const text = box.querySelector("[data-bulk-text]"), go = box.querySelector("[data-action=bulk]"), bar = box.querySelector("[data-bulk-progress]");
  if (dryRun) {
    const r = await post("replay", { ...filter, dryRun: true });
    if (!r.ok) { text.textContent = "Count failed: " + (r.body.message || r.status); return; }
    const n = r.body.matched;
    text.textContent = n === 1 ? "1 dead letter matches." : n + " dead letters match.";
    go.hidden = n === 0; go.dataset.total = String(n); go.textContent = "Replay " + n;
    return;
  }
  const total = Number(go.dataset.total);
  busy = true; go.disabled = true; bar.hidden = false; bar.max = total; bar.value = 0;
  let done = 0, failed = "";
  try {
    while (done < total) {
      const batch = Math.min(100, total - done);
      const r = await post("replay", { ...filter, limit: batch });
      if (!r.ok) { failed = r.body.message || String(r.status); break; }
      done += r.body.replayed;
      bar.value = done;
      text.textContent = "Replayed " + done + " of " + total + "…";
      if (r.body.replayed < batch) break;
    }
  } finally { busy = false; }
  say(failed ? "Bulk replay stopped after " + done + " of " + total + ": " + failed : "Bulk replay: replayed " + done + " of " + total + " dead letters; the next drain attempts them.", failed ? "bad" : "good");
  await load(true);
}
panel.addEventListener("click", async (e) => {
  const button = e.target.closest("button[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  if (action === "replay" || action === "retry") return act(button);
  const box = button.closest("[data-bulk-filter]");
  if (box) return bulk(box, action === "count");
});
load();
setInterval(() => {
  const typing = panel.contains(document.activeElement) && /^(INPUT|SELECT)$/.test(document.activeElement.tagName);
  if (token() && !document.hidden && !busy && !typing) load(true);
}, 10000);
`;

export function shell(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>hookgate</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header><h1>hookgate</h1><nav id="nav" hidden><a href="#/" data-view="overview">Overview</a><a href="#/events" data-view="events">Events</a><a href="#/dead" data-view="dead">Dead letters</a></nav><span id="message" role="status"></span><button id="logout" type="button" hidden>Forget token</button></header>
<main>
<div id="feedback" role="alert" hidden></div>
<div id="login" hidden>
  <form id="login-form">
    <label for="token">Admin token (ADMIN_TOKEN). Kept in this tab only, until it closes.</label>
    <input id="token" name="token" type="password" autocomplete="off" required>
    <div><button class="primary" type="submit">Open the dashboard</button></div>
    <div id="login-error" class="bad" role="alert"></div>
  </form>
</div>
<div id="panel" hidden></div>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}
