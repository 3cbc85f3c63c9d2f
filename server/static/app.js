// saywhy chat page: plain JavaScript, no build step, no network beyond this server.
// Every piece of model or user text is inserted with textContent, never as HTML.
"use strict";

const API = "/api/v1";
const KEYS = { list: "saywhy.conversations", token: "saywhy.token", current: "saywhy.current" };
const TOWARDS = [230, 97, 1];   // orange: pushes towards the explained label
const AWAY = [33, 102, 172];    // blue: pushes away (colour-blind-safe pair)
// Example questions come from the server (GET /ready: the catalogue's showcase filled from the
// loaded model and data); these few fit any model and stand in until it answers.
const CHIPS = ["What can I ask you?", "What model is this, and what was it trained on?"];
const $ = (id) => document.getElementById(id);
const state = { current: null, busy: false, info: null };

// ---- small DOM helpers -----------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}
const fmt = (x, d = 2) => (typeof x === "number" && isFinite(x) ? x.toFixed(d) : "–");
const signed = (x, d = 3) => (x >= 0 ? "+" : "") + fmt(x, d);
const rgba = (rgb, a) => `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${a.toFixed(3)})`;

// ---- API -----------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}
function headers() {
  const h = { "Content-Type": "application/json" };
  const token = localStorage.getItem(KEYS.token);
  if (token) h.Authorization = "Bearer " + token;
  return h;
}
function askToken() {
  const token = window.prompt("This saywhy server needs its API token (SAYWHY_API_TOKEN):",
                              localStorage.getItem(KEYS.token) || "");
  if (token === null) return false;
  if (token.trim()) localStorage.setItem(KEYS.token, token.trim());
  else localStorage.removeItem(KEYS.token);
  return true;
}
async function failure(res) {
  let err = {};
  try { err = (await res.json()).error || {}; } catch (e) { /* not JSON */ }
  return new ApiError(res.status, err.code || "http_error", err.message || res.statusText);
}
async function api(method, path, body, retried = false) {
  const res = await fetch(path, { method, headers: headers(),
                                  body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && !retried && askToken()) return api(method, path, body, true);
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? null : res.json();
}

// ---- conversation list (ids live in this browser: they are the only key) ------------------------
function loadList() {
  try { return JSON.parse(localStorage.getItem(KEYS.list) || "[]"); } catch (e) { return []; }
}
function saveList(list) { localStorage.setItem(KEYS.list, JSON.stringify(list.slice(0, 100))); }
function remember(id, title) {
  const list = loadList().filter((c) => c.id !== id);
  const old = loadList().find((c) => c.id === id);
  list.unshift({ id, title: title || (old && old.title) || "New conversation" });
  saveList(list);
  renderList();
}
function forget(id) { saveList(loadList().filter((c) => c.id !== id)); renderList(); }
function renderList() {
  const ul = $("conversations");
  ul.replaceChildren();
  for (const c of loadList()) {
    ul.append(el("li", { class: c.id === state.current ? "active" : null },
      el("button", { class: "open", type: "button", title: c.title, text: c.title,
                     onclick: () => { openConversation(c.id); closeMenu(); } }),
      el("button", { class: "del", type: "button", title: "Delete this conversation",
                     "aria-label": "Delete " + c.title, text: "✕",
                     onclick: () => deleteConversation(c.id) })));
  }
}

// ---- visualisations: one renderer per generic view kind (tools/views.py) ----------------------
// A result carries `views`; each is drawn by its `kind`, whatever tool made it. Every number
// shown is a number of the view, which is a number of the result.
function number(x, format = "fixed", digits = 2) {
  if (typeof x !== "number" || !isFinite(x)) return x === null || x === undefined ? "" : String(x);
  if (format === "signed") return signed(x, digits);
  if (format === "percent") return (x * 100).toFixed(Math.max(0, digits - 2)) + "%";
  if (format === "count") return Math.round(x).toLocaleString("en");
  return x.toFixed(digits);
}

// a short label with its whitespace made visible: an LM's tokens differ by a leading space
function visible(label) {
  const shown = String(label).replace(/\n/g, "⏎").replace(/\t/g, "⇥");
  return shown.replace(/^ +| +$/g, (m) => "␣".repeat(m.length));
}

function section(v, ...nodes) {
  return el("div", { class: "viz", "data-kind": v.kind },
            v.title ? el("h3", { text: v.title }) : null, ...nodes,
            v.note ? el("p", { class: "note", text: v.note }) : null);
}

function legend(low, high, isSigned, part = "word") {
  return el("div", { class: "legend" },
    isSigned ? el("span", { class: "swatch away" }) : null, isSigned ? low : null,
    el("span", { class: "swatch towards" }), high,
    el("span", { text: ` · hover a ${part} for its score` }));
}

function wordScores(v) {
  const scores = v.scores.map((s) => (typeof s === "number" && isFinite(s) ? s : null));
  const max = v.scale || Math.max(1e-9, ...scores.map((s) => Math.abs(s || 0)));
  const marked = new Set(v.marked || []);
  const box = el("div", { class: "highlighted" });
  const spans = v.spans || null;
  let pos = 0;
  v.words.forEach((word, i) => {
    if (spans) { box.append(v.text.slice(pos, spans[i][0])); pos = spans[i][1]; }
    else if (i) box.append(" ");
    const shown = spans ? v.text.slice(spans[i][0], spans[i][1]) : word;
    const s = scores[i];
    if (s === null) { box.append(shown); return; }
    const strength = Math.min(1, Math.abs(s) / max);
    const towards = !v.signed || s >= 0;
    const meaning = v.signed ? (s >= 0 ? v.high : v.low) : v.high;
    const label = `${word}: ${v.signed ? signed(s, 3) : fmt(s, 3)}${meaning ? " " + meaning : ""}`;
    const span = el("span", { class: "hl" + (strength > 0.6 ? " strong" : "") +
                                    (marked.has(i) ? " marked" : ""),
                              tabindex: 0, title: label, "aria-label": label, "data-score": s,
                              text: shown });
    span.style.backgroundColor = rgba(towards ? TOWARDS : AWAY, 0.08 + 0.82 * strength);
    box.append(span);
  });
  if (spans) box.append(v.text.slice(pos));
  return section(v, box, legend(v.low, v.high, v.signed, v.part || "word"));
}

// a waterfall (bars with a start and an end): each step starts where the one before ended
function waterfall(v) {
  const ends = [v.start];
  for (const x of v.values) ends.push(ends[ends.length - 1] + x);
  const lo = Math.min(...ends), hi = Math.max(...ends), span = hi - lo || 1;
  const names = [v.start_name || "start", ...v.names, v.end_name || "end"];
  const longest = Math.max(4, ...names.map((n) => Math.min(36, n.length)));
  const rowH = 20, labelW = Math.min(250, 12 + 6.5 * longest), barW = 260, valueW = 70;
  const width = labelW + barW + valueW, height = names.length * rowH + 4;
  const at = (x) => labelW + ((x - lo) / span) * barW;
  const chart = svg("svg", { class: "chart waterfall", viewBox: `0 0 ${width} ${height}`, width,
                             height, role: "img" });
  names.forEach((raw, i) => {
    const name = visible(raw), y = i * rowH + 2, g = svg("g");
    const edge = i === 0 || i === names.length - 1;
    const value = i === 0 ? v.start : edge ? v.end : v.values[i - 1];
    const shown = edge ? number(value, "fixed", v.digits) : number(value, "signed", v.digits);
    g.append(svg("title", {}, `${name}: ${shown}`));
    g.append(svg("text", { x: labelW - 6, y: y + 13, "text-anchor": "end",
                           ...(edge ? { class: "edge" } : {}) },
                 name.length > 36 ? name.slice(0, 35) + "…" : name));
    if (edge) {
      g.append(svg("rect", { x: at(value) - 1.5, y: y + 1, width: 3, height: rowH - 4, fill: "#444" }));
    } else {
      const a = at(ends[i - 1]), b = at(ends[i]);
      g.append(svg("rect", { x: Math.min(a, b), y: y + 2, width: Math.max(1, Math.abs(b - a)),
                             height: rowH - 6, rx: 2, fill: rgba(value < 0 ? AWAY : TOWARDS, 0.85) }));
      g.append(svg("line", { x1: b, x2: b, y1: y + rowH - 4, y2: y + rowH + 2, stroke: "#999" }));
    }
    g.append(svg("text", { x: labelW + barW + 6, y: y + 13 }, shown));
    chart.append(g);
  });
  return section(v, chart);
}

function bars(v) {
  if (typeof v.start === "number" && typeof v.end === "number") return waterfall(v);
  const longest = Math.max(4, ...v.names.map((n) => Math.min(32, n.length)));
  const rowH = 20, labelW = Math.min(220, 12 + 6.5 * longest), valueW = v.notes ? 150 : 60;
  const barW = 240;
  const width = labelW + barW + valueW;
  const top = v.scale || Math.max(1e-9, ...v.values.map((x) => Math.abs(x)));
  const height = v.names.length * rowH + 4;
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, width, height,
                             role: "img" });
  v.names.forEach((raw, i) => {
    const name = visible(raw), value = v.values[i], y = i * rowH + 2;
    const shown = number(value, v.format, v.digits) + (v.notes ? `  ${visible(v.notes[i])}` : "");
    const g = svg("g");
    g.append(svg("title", {}, `${name}: ${shown}`));
    g.append(svg("text", { x: labelW - 6, y: y + 13, "text-anchor": "end" },
                 name.length > 32 ? name.slice(0, 31) + "…" : name));
    const share = Math.min(1, Math.abs(value) / top);
    let x = labelW, w = share * barW;
    if (v.signed) { w = share * barW / 2; x = value >= 0 ? labelW + barW / 2 : labelW + barW / 2 - w; }
    const colour = v.signed && value < 0 ? AWAY : TOWARDS;
    g.append(svg("rect", { x, y: y + 2, width: Math.max(1, w), height: rowH - 6, rx: 2,
                           fill: rgba(colour, 0.85) }));
    g.append(svg("text", { x: labelW + barW + 4, y: y + 13 }, shown));
    chart.append(g);
  });
  if (v.signed) chart.append(svg("line", { x1: labelW + barW / 2, x2: labelW + barW / 2, y1: 0,
                                           y2: height, stroke: "#999" }));
  return section(v, chart);
}

function cell(value, column) {
  const td = el("td");
  if (value === null || value === undefined) return td;
  if (column.type === "id" || (column.type === "exact" && typeof value !== "boolean")) {
    if (column.type === "exact" && typeof value === "number") td.className = "num";
    td.textContent = String(value);
  } else if (typeof value === "boolean" || column.type === "bool") {
    td.textContent = value ? "yes" : "no";
    td.className = value ? "yes" : "no";
  } else if (typeof value === "number") {
    const format = { signed: "signed", percent: "percent", count: "count" }[column.type] ||
      (column.type === "auto" && Number.isInteger(value) ? "count" : "fixed");
    td.textContent = number(value, format, column.digits);
    td.className = "num" + (column.type === "signed" && Math.abs(value) >= 0.01
                            ? (value > 0 ? " up" : " down") : "");
  } else {
    td.textContent = String(value);
    if (column.type === "text") { td.className = "long"; td.title = String(value); }
  }
  return td;
}

function table(v) {
  if (!v.rows.length) return null;
  const t = el("table", { class: "grid" });
  if (v.columns.some((c) => c.name)) {
    t.append(el("tr", {}, ...v.columns.map((c) => el("th", { text: c.name }))));
  }
  for (const row of v.rows) t.append(el("tr", {}, ...row.map((x, i) => cell(x, v.columns[i]))));
  return section(v, el("div", { class: "scroll" }, t));
}

function heatmap(v) {
  const n = Math.min(v.rows.length, 30), m = Math.min(v.columns.length, 30);
  const cellSize = Math.max(10, Math.min(22, Math.floor(420 / Math.max(1, m))));
  const pad = 90;
  let max = 1e-9;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) max = Math.max(max, v.values[i][j] || 0);
  const w = pad + m * cellSize, h = pad + n * cellSize;
  const chart = svg("svg", { class: "chart heat", viewBox: `0 0 ${w} ${h}`, width: w, height: h,
                             role: "img" });
  const short = (s) => (s.length > 12 ? s.slice(0, 11) + "…" : s);
  for (let j = 0; j < m; j++) {
    chart.append(svg("text", { x: 0, y: 0, "text-anchor": "start",
                               transform: `translate(${pad + j * cellSize + cellSize * 0.7}, ${pad - 4}) rotate(-60)` },
                     short(visible(v.columns[j]))));
  }
  for (let i = 0; i < n; i++) {
    chart.append(svg("text", { x: pad - 4, y: pad + i * cellSize + cellSize * 0.7, "text-anchor": "end" },
                     short(visible(v.rows[i]))));
    for (let j = 0; j < m; j++) {
      const x = v.values[i][j];
      const rect = svg("rect", { x: pad + j * cellSize, y: pad + i * cellSize, width: cellSize - 1,
                                 height: cellSize - 1,
                                 fill: rgba(AWAY, x === null ? 0 : 0.04 + 0.96 * (x / max)) });
      rect.append(svg("title", {}, `${v.rows[i]} → ${v.columns[j]}: ${number(x, v.format, v.digits)}`));
      chart.append(rect);
    }
  }
  return section(v, chart);
}

function matrix(v) {
  if (!v.rows.length || !v.columns.length) return null;
  if (!v.show_values) return heatmap(v);
  let max = 1e-9;
  for (const row of v.values) for (const x of row) if (typeof x === "number") max = Math.max(max, Math.abs(x));
  const corner = [v.row_title, v.column_title].filter(Boolean).join(" \\ ");
  const t = el("table", { class: "grid matrix" });
  t.append(el("tr", {}, el("th", { text: corner }),
                  ...v.columns.map((c) => el("th", { text: visible(c) }))));
  v.rows.forEach((name, i) => {
    const cells = v.columns.map((c, j) => {
      const x = v.values[i][j];
      const td = el("td", { class: "num" + (v.diagonal && name === c ? " diag" : ""),
                            text: number(x, v.format, v.digits) });
      if (typeof x === "number") td.style.backgroundColor = rgba(AWAY, 0.5 * Math.abs(x) / max);
      return td;
    });
    t.append(el("tr", {}, el("th", { text: visible(name) }), ...cells));
  });
  return section(v, el("div", { class: "scroll" }, t));
}

function diffWords(before, after) {
  // the after text, words not in `before` inserted (<ins>), words dropped shown struck (<del>)
  const a = before.split(/\s+/).filter(Boolean), b = after.split(/\s+/).filter(Boolean);
  const lcs = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) {
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out = el("span");
  const put = (node) => { if (out.childNodes.length) out.append(" "); out.append(node); };
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { put(b[j]); i++; j++; }
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) put(el("del", { text: a[i++] }));
    else put(el("ins", { text: b[j++] }));
  }
  return out;
}

function textPairs(v) {
  const said = (label, value) => (label === null && value === null ? null
    : el("span", { class: "said", text: [label, number(value, "fixed", v.digits)].filter(Boolean).join(" ") }));
  return section(v, ...v.pairs.map((p) => el("div", { class: "pair" },
    p.note ? el("p", { class: "pair-note", text: p.note }) : null,
    el("div", { class: "before" }, el("span", { class: "tag", text: "before" }), p.before,
       said(p.before_label ?? null, p.before_value ?? null)),
    el("div", { class: "after" }, el("span", { class: "tag", text: "after" }),
       p.changed ? diffWords(p.before, p.after) : p.after,
       said(p.after_label ?? null, p.after_value ?? null)))));
}

const VIEWS = { word_scores: wordScores, bars, table, matrix, text_pairs: textPairs };

function renderViews(r) {
  const drawn = [];
  for (const v of r.views || []) {
    const draw = VIEWS[v.kind];
    if (!draw) continue;  // a kind this page does not know yet: the answer's words still say it
    try { const node = draw(v); if (node) drawn.push(node); }
    catch (e) { console.warn("could not draw a view", v.kind, e); }
  }
  return drawn.length ? el("div", { class: "views" }, ...drawn) : null;
}

function callsDetails(answer) {
  const calls = answer.calls || [];
  if (!calls.length) return null;
  const total = answer.timings && answer.timings.total;
  const summary = `${calls.length} tool call${calls.length === 1 ? "" : "s"}` +
                  (typeof total === "number" ? ` · ${total.toFixed(2)} s` : "");
  const list = el("ul", {}, ...calls.map((c) => el("li", {},
    el("code", { text: `${c.tool} ${JSON.stringify(c.args)}` }))));
  const raw = JSON.stringify(answer.results || [], null, 1);
  return el("details", { class: "calls" }, el("summary", { text: summary }), list,
            el("details", {}, el("summary", { text: "results (JSON)" }),
               el("pre", { text: raw.length > 40000 ? raw.slice(0, 40000) + "\n…" : raw })));
}

function feedbackButtons(turn, rating) {
  const box = el("div", { class: "feedback" });
  const thanks = el("span", { class: "thanks" });
  const buttons = [["up", "▲ helpful", "Good answer"], ["down", "▼ not helpful", "Bad answer"]].map(([value, icon, name]) =>
    el("button", { type: "button", "aria-label": name, title: name, "data-rating": value,
                   "aria-pressed": rating === value ? "true" : "false", text: icon,
                   onclick: async (ev) => {
                     const pressed = ev.currentTarget.getAttribute("aria-pressed") === "true";
                     const next = pressed ? null : value;
                     try {
                       await api("PUT", `${API}/conversations/${state.current}/messages/${turn}/feedback`,
                                 { rating: next });
                       for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.rating === next));
                       thanks.textContent = next ? "Thanks for the feedback." : "";
                     } catch (e) { thanks.textContent = e.message; }
                   } }));
  box.append(...buttons, thanks);
  return box;
}

// A clarifying question's readings (answer.choices, [{number, text}]): the answer's text lists
// them too, one per line from "1. <first reading>"; the bubble shows the words before that list
// and one button per reading under them. A click sends the reading's words, which pick it (as
// typing its number would). Only the latest answer's readings can be picked: asking anything
// retires them (the server forgets an offer once the next message arrives).
function lead(answer) {
  const first = answer.choices[0];
  const cut = answer.text.indexOf(`\n${first.number}. ${first.text}`);
  return cut >= 0 ? answer.text.slice(0, cut) : answer.text;
}

function retireChoices() {
  for (const group of document.querySelectorAll(".choices:not(.retired)")) {
    group.classList.add("retired");
    for (const b of group.querySelectorAll("button")) b.disabled = true;
  }
}

function choiceButtons(answer, live) {
  const hint = el("p", { class: "choices-hint", id: `choices-hint-${answer.turn || "new"}`,
                         text: "Pick one, or type its number." });
  const group = el("div", { class: "choices" + (live ? "" : " retired"), role: "group",
                            "aria-label": "Which did you mean?", "aria-describedby": hint.id });
  for (const c of answer.choices) {
    group.append(el("button", { type: "button", class: "chip pick", "data-number": c.number,
                                "aria-pressed": "false", disabled: !live,
                                title: `Pick ${c.number}: ${c.text}`,
                                onclick: (ev) => {
                                  const button = ev.currentTarget;
                                  if (state.busy) return;
                                  ask(c.text);
                                  button.setAttribute("aria-pressed", "true");
                                } },
      el("span", { class: "num", "aria-hidden": "true", text: String(c.number) }),
      el("span", { text: c.text })));
  }
  return [group, hint];
}

function renderAnswer(answer, feedback, live = true) {
  const bubble = el("div", { class: "msg bot" + (answer.kind === "error" ? " error" : ""),
                             "data-turn": answer.turn || "" });
  const offers = Array.isArray(answer.choices) && answer.choices.length > 0;
  bubble.append(el("p", { text: offers ? lead(answer) : answer.text }));
  if (offers) bubble.append(...choiceButtons(answer, live));
  for (const r of answer.results || []) {
    const viz = renderViews(r);
    if (viz) bubble.append(viz);
  }
  const said = (answer.results || []).map((r) => r && r.details).filter((d) => typeof d === "string" && d);
  if (said.length && !said.every((d) => answer.text.includes(d))) {
    // the method, base value, ERASER at each k and the random baseline: folded, said on request
    bubble.append(el("details", { class: "explained" }, el("summary", { text: "details" }),
                     ...said.map((d) => el("p", { text: d }))));
  }
  const details = callsDetails(answer);
  if (details) bubble.append(details);
  if (answer.turn) bubble.append(feedbackButtons(answer.turn, feedback));
  return bubble;
}

// ---- conversation flow ----------------------------------------------------------------------
function scrollDown() { const m = $("messages"); m.scrollTop = m.scrollHeight; }
function showWelcome(show) { $("welcome").hidden = !show; }
function clearMessages() {
  const box = $("messages");
  for (const child of [...box.children]) if (child.id !== "welcome") child.remove();
}
function setStatus(text) { $("status").textContent = text || ""; }

async function openConversation(id) {
  try {
    const t = await api("GET", `${API}/conversations/${encodeURIComponent(id)}`);
    state.current = id;
    localStorage.setItem(KEYS.current, id);
    clearMessages();
    showWelcome(!t.messages.length);
    t.messages.forEach((m, i) => {
      $("messages").append(el("div", { class: "msg user", text: m.question }));
      $("messages").append(renderAnswer(m.answer, m.feedback, i === t.messages.length - 1));
    });
    remember(id, t.title || undefined);
    scrollDown();
  } catch (e) {
    if (e.status === 404) { forget(id); newConversation(); } else setStatus(e.message);
  }
}

function newConversation() {
  state.current = null;
  localStorage.removeItem(KEYS.current);
  clearMessages();
  showWelcome(true);
  renderList();
  $("question").focus();
}

async function deleteConversation(id) {
  if (!window.confirm("Delete this conversation for good?")) return;
  try { await api("DELETE", `${API}/conversations/${encodeURIComponent(id)}`); }
  catch (e) { if (e.status !== 404) { setStatus(e.message); return; } }
  forget(id);
  if (id === state.current) newConversation();
}

async function* sseEvents(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      if (data) yield { event, data: JSON.parse(data) };
    }
  }
}

async function ask(text) {
  if (state.busy || !text.trim()) return;
  state.busy = true;
  $("send").disabled = true;
  setStatus("");
  try {
    if (!state.current) {
      const c = await api("POST", `${API}/conversations`, {});
      state.current = c.id;
      localStorage.setItem(KEYS.current, c.id);
      remember(c.id, text.slice(0, 60));
    }
    showWelcome(false);
    retireChoices();
    $("messages").append(el("div", { class: "msg user", text }));
    const pending = el("div", { class: "msg bot" }, el("p", { class: "pending", text: "queued…" }));
    $("messages").append(pending);
    scrollDown();
    const url = `${API}/conversations/${state.current}/messages/stream`;
    let res = await fetch(url, { method: "POST", headers: headers(), body: JSON.stringify({ text }) });
    if (res.status === 401 && askToken()) {
      res = await fetch(url, { method: "POST", headers: headers(), body: JSON.stringify({ text }) });
    }
    if (!res.ok) {
      const err = await failure(res);
      pending.replaceWith(renderAnswer({ text: err.message, kind: "error" }));
      return;
    }
    let answered = false;
    for await (const { event, data } of sseEvents(res)) {
      if (event === "progress") pending.firstChild.textContent = data.message + "…";
      else if (event === "answer") { pending.replaceWith(renderAnswer(data)); answered = true; }
      else if (event === "error") {
        pending.replaceWith(renderAnswer({ text: data.error.message, kind: "error" }));
        answered = true;
      }
      scrollDown();
    }
    if (!answered) pending.replaceWith(renderAnswer({ text: "The connection closed before the answer arrived.", kind: "error" }));
    remember(state.current);
  } catch (e) {
    setStatus(e.message || String(e));
  } finally {
    state.busy = false;
    $("send").disabled = false;
    scrollDown();
  }
}

// ---- start ----------------------------------------------------------------------------------
function renderChips(examples) {
  const questions = examples && examples.length ? examples : CHIPS;
  $("chips").replaceChildren(...questions.map((q) =>
    el("button", { type: "button", class: "chip", text: q, onclick: () => ask(q) })));
  $("question").placeholder = "e.g. " + questions[0];
}

// What was guessed when the data was read (columns, gold labels), said once under the welcome.
function renderNotes(notes) {
  $("notes").replaceChildren(...(notes || []).map((n) => el("li", { text: n })));
}

async function loadInfo() {
  try {
    const info = await api("GET", `${API}/ready`);
    state.info = info;
    const items = info.items === 1 ? info.item_name : info.item_plural;
    const data = info.data ? ` on ${info.data} (${info.items.toLocaleString()} ${items || "items"})` : "";
    $("model").textContent = `Explaining ${info.target} (${info.kind.replace("_", " ")})${data}`;
    renderChips(info.examples);
    renderNotes(info.notes);
  } catch (e) {
    $("model").textContent = e.status === 503 ? e.message : "Cannot reach the server: " + e.message;
    if (e.status === 503) setTimeout(loadInfo, 2000);
    renderChips([]);
  }
}

function closeMenu() { $("sidebar").classList.remove("open"); $("menu").setAttribute("aria-expanded", "false"); }

function start() {
  $("ask").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("question").value;
    $("question").value = "";
    ask(text);
  });
  $("question").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("ask").requestSubmit(); }
  });
  $("new").addEventListener("click", () => { newConversation(); closeMenu(); });
  $("token").addEventListener("click", () => { if (askToken()) loadInfo(); });
  $("menu").addEventListener("click", () => {
    const open = $("sidebar").classList.toggle("open");
    $("menu").setAttribute("aria-expanded", String(open));
  });
  renderList();
  loadInfo();
  const current = localStorage.getItem(KEYS.current);
  if (current) openConversation(current);
}

document.addEventListener("DOMContentLoaded", start);
