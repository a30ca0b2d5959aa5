// Ticket page in the agent workspace. Progressive enhancement only: without this file the
// "Insert" button posts the form and the server puts the canned text into the textarea.
document.documentElement.classList.add("kx-js");

function insertAtCursor(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  const before = textarea.value.slice(0, start);
  const after = textarea.value.slice(end);
  const separator = before && !before.endsWith("\n") ? "\n\n" : "";
  textarea.value = before + separator + text + after;
  const caret = (before + separator + text).length;
  textarea.focus();
  textarea.setSelectionRange(caret, caret);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".kx-reply-form");
  if (!form) {
    return;
  }
  const body = form.querySelector("textarea[name=body]");
  const cannedSelect = form.querySelector("select[name=canned]");
  const dataNode = document.getElementById("kx-canned-responses");
  const canned = dataNode ? JSON.parse(dataNode.textContent) : {};

  cannedSelect?.addEventListener("change", () => {
    const text = canned[cannedSelect.value];
    if (text) {
      insertAtCursor(body, text);
    }
    cannedSelect.value = "";
  });

  // A note looks like a note before it is sent, and cannot carry a status change.
  const submit = form.querySelector("button[name=_reply]");
  const status = form.querySelector("select[name=status]");
  const syncKind = () => {
    const isNote = form.querySelector("input[name=kind]:checked")?.value === "internal_note";
    form.classList.toggle("kx-note-mode", isNote);
    submit.textContent = isNote ? submit.dataset.labelNote : submit.dataset.labelPublic;
    if (status) {
      if (isNote) {
        status.value = "";
      }
      status.disabled = isNote;
    }
  };
  for (const radio of form.querySelectorAll("input[name=kind]")) {
    radio.addEventListener("change", syncKind);
  }
  syncKind();

  // One click, one reply (the form data is built before the button is disabled).
  form.addEventListener("submit", (event) => {
    if (event.submitter === submit) {
      setTimeout(() => {
        submit.disabled = true;
      }, 0);
    }
  });
});
