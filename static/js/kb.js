// Suggestion panel for any <input data-kb-suggest="URL">: debounced GET to the JSON endpoint,
// results rendered as links. Progressive enhancement: without JS the form still submits.
(() => {
  "use strict";
  const DEBOUNCE_MS = 250;

  // Snippets arrive as escaped text with <mark> as the only markup; rebuild them as DOM
  // nodes instead of trusting innerHTML.
  function snippetNodes(html) {
    const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
    const out = document.createElement("span");
    for (const node of doc.body.firstChild.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else {
        out.append(document.createTextNode(node.textContent));
      }
    }
    return out;
  }

  function bind(input) {
    const panel = document.getElementById(input.getAttribute("aria-controls"));
    if (!panel) return;
    const emptyText = input.dataset.kbEmpty || panel.dataset.empty || "";
    let timer = null;
    let controller = null;
    let lastQuery = "";

    function hide() {
      panel.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function render(results) {
      panel.replaceChildren();
      if (!results.length) {
        if (!emptyText) return hide();
        const p = document.createElement("p");
        p.className = "kb-suggest-empty";
        p.textContent = emptyText;
        panel.append(p);
      } else {
        const list = document.createElement("ul");
        for (const item of results) {
          const li = document.createElement("li");
          const a = document.createElement("a");
          a.href = item.url;
          a.setAttribute("role", "option");
          const title = document.createElement("span");
          title.className = "kb-suggest-title";
          title.textContent = item.title;
          const kind = document.createElement("span");
          kind.className = "badge";
          kind.textContent = item.kind_label;
          const snippet = snippetNodes(item.snippet || "");
          snippet.className = "kb-suggest-snippet";
          a.append(title, " ", kind, snippet);
          li.append(a);
          list.append(li);
        }
        panel.append(list);
      }
      panel.hidden = false;
      input.setAttribute("aria-expanded", "true");
      input.dispatchEvent(new CustomEvent("kb:suggestions", { bubbles: true, detail: { results } }));
    }

    async function fetchSuggestions(query) {
      if (controller) controller.abort();
      controller = new AbortController();
      const url = new URL(input.dataset.kbSuggest, window.location.href);
      url.searchParams.set("q", query);
      try {
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return hide();
        const data = await response.json();
        if (query === lastQuery) render(data.results || []);
      } catch (error) {
        if (error.name !== "AbortError") hide();
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      lastQuery = query;
      if (!query) return hide();
      timer = setTimeout(() => fetchSuggestions(query), DEBOUNCE_MS);
    });
    input.addEventListener("keydown", (event) => {
      const links = [...panel.querySelectorAll("a")];
      if (event.key === "Escape") return hide();
      if (event.key === "ArrowDown" && links.length && !panel.hidden) {
        event.preventDefault();
        links[0].focus();
      }
    });
    panel.addEventListener("keydown", (event) => {
      const links = [...panel.querySelectorAll("a")];
      const index = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < links.length - 1) {
        event.preventDefault();
        links[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index > 0 ? links[index - 1] : input).focus();
      } else if (event.key === "Escape") {
        hide();
        input.focus();
      }
    });
    document.addEventListener("click", (event) => {
      if (!panel.contains(event.target) && event.target !== input) hide();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const input of document.querySelectorAll("input[data-kb-suggest]")) bind(input);
  });
})();
