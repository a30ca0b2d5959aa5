// Community enhancements; every page works without this file (links and forms do the same).
(() => {
  "use strict";

  const debounce = (fn, ms) => {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  };

  // "Similar topics" while typing a title, from the shared search.
  function setupSimilar(form) {
    const url = form.dataset.similarUrl;
    const input = form.querySelector("input[data-similar]");
    const box = document.getElementById("similar-topics");
    if (!url || !input || !box) return;
    const list = box.querySelector("ul");
    let sequence = 0;
    const lookup = debounce(async () => {
      const query = input.value.trim();
      const mine = ++sequence;
      if (query.length < 2) {
        box.hidden = true;
        return;
      }
      try {
        const response = await fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" });
        if (!response.ok || mine !== sequence) return;
        const data = await response.json();
        list.replaceChildren();
        for (const result of data.results || []) {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.href = result.url;
          link.target = "_blank";
          link.rel = "noopener";
          link.textContent = result.title;
          const badge = document.createElement("span");
          badge.className = "badge";
          badge.textContent = result.kind_label || "";
          item.append(link, " ", badge);
          list.append(item);
        }
        box.hidden = list.children.length === 0;
      } catch (error) {
        box.hidden = true;
      }
    }, 300);
    input.addEventListener("input", lookup);
    if (input.value.trim()) lookup();
  }

  // Quote without a page load: copy the post's text into the reply box as a Markdown quote.
  // The link still works without JavaScript (the server pre-fills the form).
  function setupQuotes() {
    const form = document.querySelector("#reply form");
    if (!form) return;
    const textarea = form.querySelector("textarea[name=body]");
    const quoteInput = form.querySelector("input[name=quote]");
    for (const link of document.querySelectorAll("a.js-quote")) {
      link.addEventListener("click", (event) => {
        const post = link.closest("article.post");
        const body = post && post.querySelector(".post-body");
        const author = post && post.querySelector(".post-author");
        if (!textarea || !body) return;
        event.preventDefault();
        const who = author ? author.lastChild.textContent.trim() : "";
        const number = (post.id || "").replace("post-", "");
        const lines = body.innerText.trim().slice(0, 600).split("\n");
        const quoted = lines.map((line) => (line.trim() ? "> " + line : ">")).join("\n");
        const head = "> " + who + (number ? " (#" + number + ")" : "") + ":\n";
        textarea.value = head + quoted + "\n\n" + textarea.value;
        if (quoteInput) quoteInput.value = link.dataset.quote || "";
        textarea.focus();
        textarea.setSelectionRange(textarea.value.length, textarea.value.length);
        textarea.scrollIntoView({ block: "center" });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form[data-similar-url]")) setupSimilar(form);
    setupQuotes();
  });
})();
