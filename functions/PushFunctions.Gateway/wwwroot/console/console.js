// The console's only script. It keeps a ping's status up to date by polling the console's JSON endpoint, and asks
// before destructive forms are sent. Pages work without it; text is written with textContent only.
"use strict";

const finalStates = new Set(["done", "failed", "rejected"]);

function userLink(userId) {
  const link = document.createElement("a");
  link.href = "/console/users/" + userId.split("/").map(encodeURIComponent).join("/");
  link.textContent = userId;
  return link;
}

function cell(row, content, className) {
  const td = row.insertCell();
  if (className) td.className = className;
  if (content instanceof Node) td.append(content); else td.textContent = content ?? "";
  return td;
}

function badge(text) {
  const span = document.createElement("span");
  span.className = "state state-" + text;
  span.textContent = text;
  return span;
}

function render(section, status) {
  const state = section.querySelector('[data-field="state"]');
  state.textContent = status.state;
  state.className = "state state-" + status.state;
  for (const [field, value] of [["users", status.users], ["attempts", status.attempts], ["sent", status.counts.sent],
                                ["skipped", status.counts.skipped], ["failed", status.counts.failed], ["error", status.error ?? "—"]]) {
    const target = section.querySelector(`[data-field="${field}"]`);
    if (target) target.textContent = String(value);
  }
  const body = section.querySelector("[data-devices]");
  const rows = document.createDocumentFragment();
  for (const device of status.devices) {
    const row = document.createElement("tr");
    cell(row, userLink(device.user_id));
    cell(row, device.client_id, "mono");
    cell(row, device.platform);
    cell(row, badge(device.outcome));
    cell(row, device.reason);
    cell(row, device.notification_id, "mono");
    rows.append(row);
  }
  body.replaceChildren(rows);
  const caption = section.querySelector("caption");
  // The answer holds the first page of devices; the counts are over all of them.
  if (caption) caption.textContent = `Devices (${status.counts.sent + status.counts.skipped + status.counts.failed})`;
}

async function follow(section) {
  const source = section.dataset.src;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let response;
    try {
      response = await fetch(source, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
    } catch {
      continue; // The network blinked: try again on the next tick.
    }
    if (response.status === 401) {
      section.querySelector('[data-field="error"]').textContent = "Your session has ended: sign in again to follow this ping.";
      return;
    }
    if (!response.ok) continue;
    const status = await response.json();
    render(section, status);
    if (finalStates.has(status.state)) return;
  }
}

document.querySelectorAll("[data-ping-status][data-src]:not([data-src=\"\"])").forEach(follow);

document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
