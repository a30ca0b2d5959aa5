// Kuaixiang live chat, customer side. The server is the only copy of a conversation: the page
// keeps the last message id it holds and, on every (re)connect, says so in its hello; the
// server replays what came after. Messages are de-duplicated by id, so none shows twice.
(function () {
  "use strict";
  const root = document.getElementById("kx-chat");
  if (!root) return;
  const $ = (sel) => root.querySelector(sel);
  const L = (key) => root.dataset["l" + key.charAt(0).toUpperCase() + key.slice(1)] || "";
  const panel = $(".kx-chat-panel");
  const toggle = $(".kx-chat-toggle");
  const startForm = $(".kx-chat-start");
  const first = $("#kx-chat-first");
  const category = $("#kx-chat-category");
  const log = $(".kx-chat-log");
  const compose = $(".kx-chat-compose");
  const text = $("#kx-chat-text");
  const fileInput = compose.querySelector("input[type=file]");
  const typingNote = $(".kx-chat-typing");
  const errorBox = $(".kx-chat-error");
  const csrf = () => (startForm.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";
  let ws = null, sessionId = null, lastId = 0, status = null, retry = 0, pingTimer = null;
  let typingTimer = null, lastTypingSent = 0, agentReadId = 0, opened = false;

  function show(el, visible) { el.hidden = !visible; }
  function setError(message) { errorBox.textContent = message || ""; }

  function openPanel() {
    show(panel, true);
    if (toggle) toggle.setAttribute("aria-expanded", "true");
    if (!opened) { opened = true; loadCategories(); connect(); }
  }
  if (toggle) {
    toggle.addEventListener("click", () => (panel.hidden ? openPanel() : closePanel()));
    $(".kx-chat-close").addEventListener("click", closePanel);
  } else {
    openPanel();
  }
  function closePanel() {
    show(panel, false);
    toggle.setAttribute("aria-expanded", "false");
  }
  // A chat in progress reopens by itself after a reload.
  if (sessionStorage.getItem("kx-chat-open") === "1") openPanel();

  async function loadCategories() {
    const response = await fetch(root.dataset.categories, { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    for (const c of data.categories) {
      const option = document.createElement("option");
      option.value = c.id; option.textContent = c.name;
      category.append(option);
    }
  }

  function connect() {
    ws = new WebSocket(root.dataset.ws);
    ws.addEventListener("open", () => {
      retry = 0;
      setError("");
      const hello = { type: "hello" };
      if (sessionId) { hello.session = sessionId; hello.last_id = lastId; }
      ws.send(JSON.stringify(hello));
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ type: "ping" }), 25000);
    });
    ws.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    ws.addEventListener("close", (event) => {
      clearInterval(pingTimer);
      if (event.code === 4401) return; // signed out: nothing to reconnect to
      setError(L("reconnecting"));
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * 2 ** retry);
    });
  }
  function send(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function handle(frame) {
    if (frame.type === "state") return onState(frame);
    if (frame.type === "messages") return onMessages(frame.items);
    if (frame.type === "typing") {
      typingNote.textContent = L("typing");
      show(typingNote, true);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => show(typingNote, false), 4000);
      return;
    }
    if (frame.type === "error") return setError(frame.message);
    if (frame.type === "transcript_sent") $(".kx-chat-note").textContent = L("sent");
  }

  function onState(frame) {
    const a = frame.availability || {};
    $(".kx-chat-headline").textContent = a.headline || "";
    $(".kx-chat-place").textContent = a.place_label || "";
    $(".kx-chat-wait").textContent = a.is_open ? a.wait_label || "" : "";
    $(".kx-chat-opens").textContent = a.opens_label || "";
    const s = frame.session;
    if (s && sessionId !== s.id) { sessionId = s.id; lastId = 0; log.textContent = ""; }
    status = s ? s.status : null;
    const live = status === "waiting" || status === "active";
    sessionStorage.setItem("kx-chat-open", live ? "1" : "0");
    show(startForm, !live && status !== "ended");
    show($(".kx-chat-conversation"), live || status === "ended");
    show(compose, live);
    show($(".kx-chat-end"), live);
    show($(".kx-chat-after"), status === "ended");
    show($(".kx-chat-offer"), Boolean(a.offer_form) && status !== "active" && status !== "ended");
    const typed = first.value || (s ? s.opening_text : "");
    $(".kx-chat-form-link").href = root.dataset.form + "?q=" + encodeURIComponent(typed.slice(0, 200));
    if (s) {
      $(".kx-chat-status").textContent = s.status_label + (s.agent ? " · " + s.agent : "") + (s.ticket ? " · " + s.ticket : "");
      if (status === "waiting" && !log.querySelector(".kx-chat-opening")) {
        const li = bubble({ body: s.opening_text, mine_role: "customer", author: L("you"), files: [] });
        li.classList.add("kx-chat-opening");
        log.prepend(li);
      } else if (status === "waiting") {
        log.querySelector(".kx-chat-opening .kx-chat-body").textContent = s.opening_text;
      }
      agentReadId = s.agent_read_id || 0;
      markSeen();
    }
  }

  function bubble(m) {
    const li = document.createElement("li");
    li.className = "kx-chat-msg kx-chat-" + m.mine_role;
    if (m.id) li.dataset.id = m.id;
    const who = document.createElement("span");
    who.className = "kx-chat-who";
    who.textContent = m.mine_role === "customer" ? L("you") : m.author;
    const body = document.createElement("p");
    body.className = "kx-chat-body";
    body.textContent = m.body;
    li.append(who, body);
    for (const f of m.files || []) {
      const a = document.createElement("a");
      a.href = f.url;
      a.textContent = f.name;
      a.className = "kx-chat-file-link";
      li.append(a);
    }
    return li;
  }

  function onMessages(items) {
    for (const m of items) {
      if (log.querySelector('[data-id="' + m.id + '"]')) continue; // never twice
      log.append(bubble(m));
      lastId = Math.max(lastId, m.id);
    }
    log.scrollTop = log.scrollHeight;
    const theirs = items.filter((m) => m.mine_role !== "customer");
    if (theirs.length && !document.hidden) send({ type: "read", id: theirs[theirs.length - 1].id });
    markSeen();
  }
  function markSeen() {
    log.querySelectorAll(".kx-chat-seen").forEach((el) => el.remove());
    const mine = [...log.querySelectorAll(".kx-chat-customer[data-id]")].filter((li) => Number(li.dataset.id) <= agentReadId);
    if (mine.length) {
      const seen = document.createElement("span");
      seen.className = "kx-chat-seen";
      seen.textContent = L("seen");
      mine[mine.length - 1].append(seen);
    }
  }

  // Suggestions while the first message is typed --------------------------------------
  let suggestTimer = null;
  first.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 350);
  });
  async function suggest() {
    const box = $(".kx-chat-suggestions");
    const q = first.value.trim();
    if (q.length < 2) { box.textContent = ""; return; }
    const response = await fetch(root.dataset.suggest + "?q=" + encodeURIComponent(q), { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    box.textContent = "";
    if (!data.results.length) return;
    const intro = document.createElement("p");
    intro.textContent = L("suggest");
    const list = document.createElement("ul");
    for (const hit of data.results) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = hit.url; a.target = "_blank"; a.rel = "noopener"; a.textContent = hit.title;
      const kind = document.createElement("small");
      kind.textContent = " · " + hit.kind;
      const solved = document.createElement("button");
      solved.type = "button"; solved.className = "btn btn-small"; solved.textContent = L("solved");
      solved.addEventListener("click", () => deflect(hit));
      li.append(a, kind, " ", solved);
      list.append(li);
    }
    box.append(intro, list);
  }
  async function deflect(hit) {
    const body = new FormData();
    body.append("category", category.value);
    body.append("text", first.value);
    body.append("url", hit.url);
    body.append("title", hit.title);
    const response = await fetch(root.dataset.solved, { method: "POST", body, headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
    if (response.ok) {
      $(".kx-chat-suggestions").textContent = L("thanks");
      first.value = "";
    }
  }

  startForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!first.value.trim()) { first.focus(); return; }
    if (send({ type: "start", category: Number(category.value), text: first.value })) {
      $(".kx-chat-suggestions").textContent = "";
    }
  });

  // Writing ----------------------------------------------------------------------------
  text.addEventListener("input", () => {
    const t = Date.now();
    if (t - lastTypingSent > 3000) { lastTypingSent = t; send({ type: "typing" }); }
  });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); compose.requestSubmit(); }
  });
  compose.addEventListener("submit", async (event) => {
    event.preventDefault();
    let body = text.value.trim();
    const files = [...fileInput.files];
    if (!body && !files.length) return;
    let upload = null;
    if (files.length) {
      const form = new FormData();
      files.forEach((f) => form.append("files", f));
      const response = await fetch(root.dataset.upload, { method: "POST", body: form, headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
      const data = await response.json().catch(() => ({ errors: [L("uploadFailed")] }));
      if (data.errors && data.errors.length) setError(data.errors.join(" "));
      if (!data.token) return;
      upload = data.token;
      if (!body) body = data.files.map((f) => f.name).join(", ");
    }
    if (send({ type: "message", body, upload })) {
      text.value = "";
      fileInput.value = "";
      setError("");
    }
  });
  $(".kx-chat-end").addEventListener("click", () => send({ type: "end" }));
  root.querySelectorAll(".kx-chat-stars [data-score]").forEach((button) =>
    button.addEventListener("click", () => {
      send({ type: "rate", score: Number(button.dataset.score) });
      $(".kx-chat-note").textContent = L("rated");
    })
  );
  $(".kx-chat-transcript").addEventListener("click", () => send({ type: "transcript" }));
  $(".kx-chat-new").addEventListener("click", () => {
    sessionId = null; status = null; lastId = 0; log.textContent = "";
    show($(".kx-chat-after"), false); show($(".kx-chat-conversation"), false); show(startForm, true);
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && lastId) send({ type: "read", id: lastId });
  });
})();
