// Portal enhancements: the live quality meter and live suggestions. Without this file the
// pages still work: the server validates with the same rules and lists suggestions itself.
(() => {
  "use strict";

  const debounce = (fn, ms) => {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  };

  const csrfToken = (form) => {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  // --- Quality meter ---------------------------------------------------------------------
  function setupQualityMeter(form) {
    const url = form.dataset.qualityUrl;
    const panel = document.getElementById("quality");
    if (!url || !panel) return;
    const meter = document.getElementById("quality-meter");
    const score = document.getElementById("quality-score");
    const text = document.getElementById("quality-text");
    const level = document.getElementById("quality-level");
    const list = document.getElementById("quality-findings");
    let sequence = 0;

    const attachmentCount = () => {
      const kept = form.querySelectorAll("input[name=remove_files]:not(:checked)").length;
      const input = form.querySelector("input[type=file][name=attachments]");
      return kept + (input && input.files ? input.files.length : 0);
    };

    const render = (report) => {
      meter.value = report.score;
      meter.textContent = report.score + "%";
      score.textContent = report.score;
      level.className = "quality-level level-" + report.level;
      text.textContent = panel.dataset["label" + report.level.charAt(0).toUpperCase() + report.level.slice(1)] || "";
      list.replaceChildren();
      const byField = {};
      for (const finding of report.findings) {
        const item = document.createElement("li");
        item.className = finding.blocking ? "finding-blocking" : "finding-hint";
        const link = document.createElement("a");
        link.href = "#field-" + finding.field;
        link.textContent = finding.message;
        item.append(link);
        list.append(item);
        if (!(finding.field in byField)) byField[finding.field] = finding.message;
      }
      if (!report.findings.length) {
        const item = document.createElement("li");
        item.textContent = panel.dataset.labelNone || "";
        list.append(item);
      }
      for (const live of form.querySelectorAll("[data-live-for]")) {
        const field = live.dataset.liveFor;
        // Only speak up about fields the user has already touched.
        live.textContent = touched.has(field) ? byField[field] || "" : "";
      }
    };

    const touched = new Set();
    const refresh = async () => {
      const mine = ++sequence;
      const data = new FormData(form);
      data.delete("attachments");
      data.set("attachment_count", String(attachmentCount()));
      try {
        const response = await fetch(url, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" },
          credentials: "same-origin",
        });
        if (!response.ok || mine !== sequence) return;
        render(await response.json());
        panel.dataset.updated = String(mine);
      } catch (error) {
        // Offline or the server hiccuped: the meter stays as it was; submit still validates.
      }
    };
    const later = debounce(refresh, 350);
    const note = (event) => {
      if (event.target && event.target.name) touched.add(event.target.name);
      later();
    };
    form.addEventListener("input", note);
    form.addEventListener("change", note);
    refresh();
  }

  // --- Live suggestions while typing the summary ---------------------------------------------
  function setupSuggestions(form) {
    const url = form.dataset.suggestUrl;
    const input = form.querySelector("input[data-suggest]");
    const box = document.getElementById("live-suggestions");
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
        for (const result of (data.results || []).slice(0, 5)) {
          const item = document.createElement("li");
          const badge = document.createElement("span");
          badge.className = "badge";
          badge.textContent = result.kind_label || "";
          const link = document.createElement("a");
          link.href = result.url;
          link.target = "_blank";
          link.rel = "noopener";
          link.textContent = " " + result.title;
          item.append(badge, link);
          list.append(item);
        }
        box.hidden = list.children.length === 0;
      } catch (error) {
        box.hidden = true;
      }
    }, 300);
    input.addEventListener("input", lookup);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form[data-quality-url]")) setupQualityMeter(form);
    for (const form of document.querySelectorAll("form[data-suggest-url]")) setupSuggestions(form);
  });
})();
