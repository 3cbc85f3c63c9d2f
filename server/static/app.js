// saywhy chat page: plain JavaScript, no build step, no network beyond this server.
// Every piece of model or user text is inserted with textContent, never as HTML.
"use strict";

const API = "/api/v1";
const KEYS = { list: "saywhy.conversations", token: "saywhy.token", current: "saywhy.current" };
const TOWARDS = [230, 97, 1];   // orange: pushes towards the explained label
const AWAY = [33, 102, 172];    // blue: pushes away (colour-blind-safe pair)
const CHIPS = {
  classifier: ["What does the model predict for review 12?", "Why?",
               "Which words matter most overall?", "How accurate is the model?",
               "Show the attention for review 12", "Find a small change that flips review 12"],
  causal_lm: ["What does the model answer to \"Is this film good? A gorgeous, witty film.\"?",
              "Why did it say that?", "Which prompt words mattered most?",
              "What do the layers predict?"],
};
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

// ---- visualisations ---------------------------------------------------------------------------
function highlighted(r) {
  const words = r.words || [];
  const max = Math.max(1e-9, ...words.map((w) => Math.abs(w.score || 0)));
  const box = el("div", { class: "highlighted" });
  const text = r.text || "";
  let pos = 0;
  const hasSpans = words.length && words.every((w) => Number.isInteger(w.start) && w.end > w.start);
  for (const w of words) {
    if (hasSpans && w.start > pos) box.append(text.slice(pos, w.start));
    else if (!hasSpans && pos > 0) box.append(" ");
    const strength = Math.min(1, Math.abs(w.score) / max);
    const towards = w.score >= 0;
    const label = `${w.word}: ${signed(w.score)} ${towards ? "towards" : "away from"} ${r.label}`;
    const span = el("span", { class: "hl" + (strength > 0.6 ? " strong" : ""), tabindex: 0,
                              title: label, "aria-label": label, "data-score": w.score,
                              text: hasSpans ? text.slice(w.start, w.end) : w.word });
    span.style.backgroundColor = rgba(towards ? TOWARDS : AWAY, 0.08 + 0.82 * strength);
    box.append(span);
    pos = hasSpans ? w.end : pos + 1;
  }
  if (hasSpans && pos < text.length) box.append(text.slice(pos));
  return box;
}

function legend(label, contrast) {
  return el("div", { class: "legend" },
    el("span", { class: "swatch towards" }), `towards ${label}`,
    el("span", { class: "swatch away" }), contrast ? `towards ${contrast}` : `away from ${label}`,
    el("span", { text: " · hover a word for its score" }));
}

function barChart(items, { signedBars = false, max = null, digits = 2 } = {}) {
  const rowH = 20, labelW = 130, width = 420, valueW = 52;
  const barW = width - labelW - valueW;
  const top = max || Math.max(1e-9, ...items.map((i) => Math.abs(i.value)));
  const height = items.length * rowH + 4;
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, width, height,
                             role: "img" });
  items.forEach((item, i) => {
    const y = i * rowH + 2;
    const g = svg("g");
    g.append(svg("title", {}, `${item.label}: ${fmt(item.value, 3)}`));
    const name = item.label.length > 20 ? item.label.slice(0, 19) + "…" : item.label;
    g.append(svg("text", { x: labelW - 6, y: y + 13, "text-anchor": "end" }, name));
    const share = Math.min(1, Math.abs(item.value) / top);
    let x = labelW, w = share * barW;
    if (signedBars) { w = share * barW / 2; x = item.value >= 0 ? labelW + barW / 2 : labelW + barW / 2 - w; }
    const colour = signedBars && item.value < 0 ? AWAY : (signedBars ? TOWARDS : [31, 95, 168]);
    g.append(svg("rect", { x, y: y + 2, width: Math.max(1, w), height: rowH - 6, rx: 2,
                           fill: rgba(colour, 0.85) }));
    g.append(svg("text", { x: labelW + barW + 4, y: y + 13 },
                 signedBars ? signed(item.value, digits) : fmt(item.value, digits)));
    chart.append(g);
  });
  if (signedBars) chart.append(svg("line", { x1: labelW + barW / 2, x2: labelW + barW / 2, y1: 0,
                                             y2: items.length * rowH + 4, stroke: "#999" }));
  return chart;
}

function heatmap(words, matrix) {
  const n = Math.min(words.length, 30);
  const cell = Math.max(10, Math.min(22, Math.floor(420 / Math.max(1, n))));
  const pad = 90;
  const size = pad + n * cell;
  let max = 1e-9;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) max = Math.max(max, matrix[i][j] || 0);
  const chart = svg("svg", { class: "chart heat", viewBox: `0 0 ${size} ${size}`, width: size,
                             height: size, role: "img" });
  for (let i = 0; i < n; i++) {
    const short = (w) => (w.length > 12 ? w.slice(0, 11) + "…" : w);
    chart.append(svg("text", { x: pad - 4, y: pad + i * cell + cell * 0.7, "text-anchor": "end" },
                     short(words[i])));
    chart.append(svg("text", { x: 0, y: 0, "text-anchor": "start",
                               transform: `translate(${pad + i * cell + cell * 0.7}, ${pad - 4}) rotate(-60)` },
                     short(words[i])));
    for (let j = 0; j < n; j++) {
      const v = matrix[i][j] || 0;
      const rect = svg("rect", { x: pad + j * cell, y: pad + i * cell, width: cell - 1,
                                 height: cell - 1, fill: rgba(AWAY, 0.04 + 0.96 * (v / max)) });
      rect.append(svg("title", {}, `${words[i]} → ${words[j]}: ${fmt(v, 3)}`));
      chart.append(rect);
    }
  }
  return chart;
}

function confusion(matrix) {
  const labels = Object.keys(matrix);
  const cols = [...new Set(labels.flatMap((g) => Object.keys(matrix[g])))];
  const table = el("table", { class: "confusion" });
  table.append(el("tr", {}, el("th", { text: "gold \\ predicted" }),
                  ...cols.map((c) => el("th", { text: c }))));
  for (const g of labels) {
    table.append(el("tr", {}, el("th", { text: g }),
                    ...cols.map((c) => el("td", { text: String(matrix[g][c] ?? 0) }))));
  }
  return table;
}

function section(title, ...nodes) {
  return el("div", { class: "viz" }, el("h3", { text: title }), ...nodes);
}

function renderResult(r) {
  switch (r.tool) {
    case "attribute": {
      const top = (r.top || []).map((w) => ({ label: w.word, value: w.score }));
      return el("div", {},
        section(`Word importance (${r.method}, ${r.unit || "score"} towards ${r.label})`,
                highlighted(r), legend(r.label, r.contrast)),
        top.length ? section("Top words", barChart(top, { signedBars: true, digits: 3 })) : null);
    }
    case "attention":
      if (!r.words || !r.matrix || !r.matrix.length) return null;
      return section(`Attention (${r.mode}; row = from, column = to)`, heatmap(r.words, r.matrix));
    case "performance": {
      const out = [];
      for (const s of r.scores || []) {
        const bars = [];
        if (typeof s.accuracy === "number") bars.push({ label: "accuracy", value: s.accuracy });
        for (const [label, sc] of Object.entries(s.per_label || {})) {
          if (typeof sc.precision === "number") bars.push({ label: `${label} precision`, value: sc.precision });
          if (typeof sc.recall === "number") bars.push({ label: `${label} recall`, value: sc.recall });
        }
        if (bars.length) out.push(section(`Performance: ${s.phrase || s.split} (${s.n} items)`,
                                          barChart(bars, { max: 1 })));
        if (s.confusion && Object.keys(s.confusion).length) out.push(confusion(s.confusion));
      }
      return out.length ? el("div", {}, ...out) : null;
    }
    case "global_importance":
      return el("div", {}, ...(r.labels || []).filter((l) => (l.towards || []).length).map((l) =>
        section(`Words pushing towards ${l.label} (${r.method}, ${r.sample_size} items)`,
                barChart(l.towards.map((w) => ({ label: w.word, value: w.total })), { digits: 2 }))));
    case "keywords":
      return el("div", {}, ...Object.entries(r.distinctive || {}).filter(([, ws]) => ws.length)
        .map(([label, ws]) => section(`Words typical of ${label} (share of items)`,
          barChart(ws.map((w) => ({ label: w.word, value: w.share }))))));
    case "layer_predictions":
      if (!(r.layers || []).length) return null;
      return section(`Probability of ${r.followed} layer by layer`,
        barChart(r.layers.map((l) => ({ label: `layer ${l.layer}: ${l.top}`, value: l.prob })),
                 { max: 1 }));
    default:
      return null;
  }
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

function renderAnswer(answer, feedback) {
  const bubble = el("div", { class: "msg bot" + (answer.kind === "error" ? " error" : ""),
                             "data-turn": answer.turn || "" });
  bubble.append(el("p", { text: answer.text }));
  for (const r of answer.results || []) {
    try { const viz = renderResult(r); if (viz) bubble.append(viz); }
    catch (e) { console.warn("could not draw", r.tool, e); }
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
    for (const m of t.messages) {
      $("messages").append(el("div", { class: "msg user", text: m.question }));
      $("messages").append(renderAnswer(m.answer, m.feedback));
    }
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
function renderChips(kind) {
  const box = $("chips");
  box.replaceChildren(...(CHIPS[kind] || CHIPS.classifier).map((q) =>
    el("button", { type: "button", class: "chip", text: q, onclick: () => ask(q) })));
}

async function loadInfo() {
  try {
    const info = await api("GET", `${API}/ready`);
    state.info = info;
    const data = info.data ? ` on ${info.data} (${info.items.toLocaleString()} items)` : "";
    $("model").textContent = `Explaining ${info.target} (${info.kind.replace("_", " ")})${data}`;
    renderChips(info.kind);
  } catch (e) {
    $("model").textContent = e.status === 503 ? e.message : "Cannot reach the server: " + e.message;
    if (e.status === 503) setTimeout(loadInfo, 2000);
    renderChips("classifier");
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
