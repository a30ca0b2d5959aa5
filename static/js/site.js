// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Language switcher: submit on change (the button is there for no-JS users).
  for (const select of document.querySelectorAll("select.js-autosubmit")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Phones: the header's menu folds behind a button (CSS hides it from 721 px up).
  const toggle = document.querySelector(".menu-toggle");
  const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        menu.classList.remove("is-open");
        toggle.focus();
      }
    });
  }
  // Notices of upcoming maintenance can be hidden, in this browser; a rescheduled window has
  // another key and shows again. A window under way cannot be hidden (it has no key).
  const dismissed = (key) => {
    try {
      return localStorage.getItem("kx-dismissed:" + key) === "1";
    } catch {
      return false;
    }
  };
  const hideEmptyBanner = (banner) => {
    if (banner && !banner.querySelector("li:not([hidden])")) banner.hidden = true;
  };
  for (const item of document.querySelectorAll("[data-dismiss]")) {
    const key = item.dataset.dismiss;
    const button = item.querySelector(".banner-dismiss");
    if (dismissed(key)) {
      item.hidden = true;
    } else if (button) {
      button.hidden = false;
      button.addEventListener("click", () => {
        try {
          localStorage.setItem("kx-dismissed:" + key, "1");
        } catch {
          // Storage refused (private mode): hidden on this page only.
        }
        item.hidden = true;
        hideEmptyBanner(item.closest("aside"));
      });
    }
    hideEmptyBanner(item.closest("aside"));
  }
  // Double-submit guard on forms that ask for it (the server guards too).
  for (const form of document.querySelectorAll("form[data-once]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit]")) {
        button.disabled = true;
      }
    });
  }
});
