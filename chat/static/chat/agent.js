// Kuaixiang live chat, agent side (the admin's chat queue). Everything arrives over one
// websocket: the queue, and each chat the agent holds. Reconnects say which message id each
// chat already shows; the server replays the rest from the database.
(function () {
  "use strict";
  const root = document.querySelector(".kx-agent-chat");
  if (!root) return;
  const L = (key) => root.dataset["l" + key.charAt(0).toUpperCase() + key.slice(1)] || "";
  const waitingBody = root.querySelector(".kx-agent-waiting tbody");
  const chats = root.querySelector(".kx-agent-chats");
  const errorBox = root.querySelector(".kx-agent-error");
  const template = document.getElementById("kx-chat-template");
  const boxes = new Map(); // session id → {el, lastId}
  let ws = null, retry = 0, waiting = [], pingTimer = null, availabilityShown = false;

  function setError(message) { errorBox.textContent = message || ""; errorBox.hidden = !message; }
  function send(frame) { if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(frame)); return true; } return false; }

  function connect() {
    ws = new WebSocket(root.dataset.ws);
    ws.addEventListener("open", () => {
      retry = 0; setError("");
      const lastIds = {};
      boxes.forEach((box, id) => { lastIds[id] = box.lastId; });
      send({ type: "hello", last_ids: lastIds });
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ type: "ping" }), 25000);
    });
    ws.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    ws.addEventListener("close", (event) => {
      clearInterval(pingTimer);
      if (event.code === 4401) return;
      setError(L("reconnecting"));
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * 2 ** retry);
    });
  }

  function handle(frame) {
    if (frame.type === "queue") return onQueue(frame);
    if (frame.type === "state") return onState(frame.session);
    if (frame.type === "messages") return onMessages(frame.session, frame.items);
    if (frame.type === "typing") {
      const box = boxes.get(frame.session);
      if (!box) return;
      const note = box.el.querySelector(".kx-chat-typing");
      note.textContent = L("typing"); note.hidden = false;
      clearTimeout(box.typingTimer);
      box.typingTimer = setTimeout(() => { note.hidden = true; }, 4000);
      return;
    }
    if (frame.type === "error") setError(frame.message);
  }

  function onQueue(frame) {
    if (!availabilityShown) {
      root.querySelector("#kx-status").value = frame.availability.status;
      root.querySelector("#kx-max").value = frame.availability.max_chats;
      availabilityShown = true;
    }
    root.querySelector(".kx-agent-connection").textContent = "";
    waiting = frame.waiting.map((w) => ({ ...w, seenAt: Date.now() }));
    renderWaiting();
    const current = new Set(frame.mine.map((s) => s.id));
    frame.mine.forEach((s) => onState(s));
    boxes.forEach((box, id) => { if (!current.has(id) && !box.ended) { box.ended = true; box.el.classList.add("kx-ended"); box.el.querySelector(".kx-agent-chat-title").textContent += " · " + L("ended"); box.el.querySelector(".kx-agent-compose").hidden = true; box.el.querySelector(".kx-agent-actions").hidden = true; } });
  }
  function renderWaiting() {
    waitingBody.textContent = "";
    if (!waiting.length) {
      const tr = waitingBody.insertRow();
      const td = tr.insertCell(); td.colSpan = 7; td.textContent = L("empty");
      return;
    }
    for (const w of waiting) {
      const tr = waitingBody.insertRow();
      tr.dataset.session = w.id;
      for (const value of [w.customer, w.organization, w.plan, w.team]) tr.insertCell().textContent = value;
      const waited = tr.insertCell(); waited.className = "kx-waited"; waited.dataset.base = w.waited_seconds; waited.dataset.seen = w.seenAt;
      tr.insertCell().textContent = w.opening_text;
      const button = document.createElement("button");
      button.type = "button"; button.className = "button default"; button.textContent = L("accept");
      button.addEventListener("click", () => send({ type: "accept", session: w.id }));
      tr.insertCell().append(button);
    }
    tick();
  }
  function tick() {
    waitingBody.querySelectorAll(".kx-waited").forEach((cell) => {
      const seconds = Number(cell.dataset.base) + Math.floor((Date.now() - Number(cell.dataset.seen)) / 1000);
      cell.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    });
  }
  setInterval(tick, 1000);

  function boxFor(s) {
    let box = boxes.get(s.id);
    if (box) return box;
    const el = template.content.firstElementChild.cloneNode(true);
    el.dataset.session = s.id;
    box = { el, lastId: 0, readId: 0 };
    boxes.set(s.id, box);
    chats.prepend(el);
    const compose = el.querySelector(".kx-agent-compose");
    const textarea = compose.querySelector("textarea");
    let lastTyping = 0;
    textarea.addEventListener("input", () => { if (Date.now() - lastTyping > 3000) { lastTyping = Date.now(); send({ type: "typing", session: s.id }); } });
    textarea.addEventListener("keydown", (event) => { if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); compose.requestSubmit(); } });
    compose.querySelector(".kx-agent-canned").addEventListener("change", (event) => {
      const source = root.querySelector('.kx-canned-body[data-id="' + event.target.value + '"]');
      if (source) textarea.value = (textarea.value ? textarea.value + "\n" : "") + source.content.textContent.trim();
      event.target.value = "";
      textarea.focus();
    });
    compose.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = textarea.value.trim();
      if (!body) return;
      const internal = compose.querySelector(".kx-agent-internal").checked;
      if (send({ type: "message", session: s.id, body, internal })) { textarea.value = ""; setError(""); }
    });
    el.querySelector(".kx-agent-transfer").addEventListener("click", () => {
      const agent = el.querySelector(".kx-agent-transfer-agent").value;
      const team = el.querySelector(".kx-agent-transfer-team").value;
      if (agent || team) send({ type: "transfer", session: s.id, agent: agent ? Number(agent) : null, team: team ? Number(team) : null });
    });
    el.querySelectorAll(".kx-agent-end").forEach((button) =>
      button.addEventListener("click", () => send({ type: "end", session: s.id, resolve: button.dataset.resolve === "1" }))
    );
    return box;
  }

  function onState(s) {
    if (!s) return;
    const box = boxFor(s);
    const title = box.el.querySelector(".kx-agent-chat-title");
    if (!box.ended) title.textContent = [s.customer, s.organization, s.plan, s.ticket].filter(Boolean).join(" · ");
    const link = box.el.querySelector(".kx-agent-ticket");
    if (s.ticket_url) link.href = s.ticket_url;
    const log = box.el.querySelector(".kx-chat-log");
    if (!log.querySelector(".kx-chat-opening") && s.opening_text) {
      const li = bubble({ body: s.opening_text, mine_role: "customer", author: s.customer || "", files: [] });
      li.classList.add("kx-chat-opening");
      log.prepend(li);
    }
    box.readId = s.customer_read_id || 0;
    markSeen(box);
  }
  function bubble(m) {
    const li = document.createElement("li");
    li.className = "kx-chat-msg kx-chat-" + (m.internal ? "internal" : m.mine_role);
    if (m.id) li.dataset.id = m.id;
    const who = document.createElement("span");
    who.className = "kx-chat-who";
    who.textContent = m.author + (m.internal ? " · " + L("note") : "");
    const body = document.createElement("p");
    body.className = "kx-chat-body"; body.textContent = m.body;
    li.append(who, body);
    for (const f of m.files || []) {
      const a = document.createElement("a");
      a.href = f.url; a.textContent = f.name; a.target = "_blank"; a.rel = "noopener";
      li.append(a);
    }
    return li;
  }
  function onMessages(sessionId, items) {
    const box = boxes.get(sessionId) || boxFor({ id: sessionId });
    const log = box.el.querySelector(".kx-chat-log");
    for (const m of items) {
      if (log.querySelector('[data-id="' + m.id + '"]')) continue;
      log.append(bubble(m));
      box.lastId = Math.max(box.lastId, m.id);
    }
    log.scrollTop = log.scrollHeight;
    const theirs = items.filter((m) => m.mine_role === "customer");
    if (theirs.length && !document.hidden) send({ type: "read", session: sessionId, id: theirs[theirs.length - 1].id });
    markSeen(box);
  }
  function markSeen(box) {
    box.el.querySelectorAll(".kx-chat-seen").forEach((el) => el.remove());
    const mine = [...box.el.querySelectorAll(".kx-chat-agent[data-id]")].filter((li) => Number(li.dataset.id) <= box.readId);
    if (mine.length) {
      const seen = document.createElement("span");
      seen.className = "kx-chat-seen"; seen.textContent = L("seen");
      mine[mine.length - 1].append(seen);
    }
  }

  root.querySelector(".kx-agent-availability").addEventListener("submit", (event) => {
    event.preventDefault();
    send({ type: "availability", status: root.querySelector("#kx-status").value, max_chats: Number(root.querySelector("#kx-max").value) });
  });
  connect();
})();
