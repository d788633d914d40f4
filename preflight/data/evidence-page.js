"use strict";
(function () {
  const criteria = Array.from(document.querySelectorAll("details.criterion"));
  const categories = Array.from(document.querySelectorAll(".category"));
  const pickers = Array.from(document.querySelectorAll(".segment, .legend"));
  let shownStatus = "";

  function showStatus(status) {
    shownStatus = shownStatus === status ? "" : status;
    criteria.forEach((c) => { c.hidden = shownStatus !== "" && c.dataset.status !== shownStatus; });
    categories.forEach((g) => { g.hidden = !g.querySelector("details.criterion:not([hidden])"); });
    pickers.forEach((p) => {
      p.classList.toggle("active", p.classList.contains("legend") && p.dataset.status === shownStatus);
      p.classList.toggle("dim", p.classList.contains("segment") && shownStatus !== "" && p.dataset.status !== shownStatus);
    });
    document.body.dataset.criteriaStatus = shownStatus;
  }
  pickers.forEach((p) => {
    p.addEventListener("click", () => showStatus(p.dataset.status));
    p.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showStatus(p.dataset.status); } });
  });

  const filters = Array.from(document.querySelectorAll("select[data-filter]"));
  const rows = Array.from(document.querySelectorAll("#findings-rows tr"));
  const shown = document.getElementById("findings-shown");
  function filterFindings() {
    let count = 0;
    rows.forEach((row) => {
      row.hidden = !filters.every((f) => f.value === "" || row.dataset[f.dataset.filter] === f.value);
      if (!row.hidden) count += 1;
    });
    if (shown) shown.textContent = String(count);
  }
  filters.forEach((f) => f.addEventListener("change", filterFindings));

  const soonDays = Number(document.body.dataset.soonDays);
  const today = new Date();
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  document.querySelectorAll("tr.waiver").forEach((row) => {
    const parts = (row.dataset.expires || "").split("-").map(Number);
    if (parts.length !== 3 || parts.some(Number.isNaN)) return;
    const left = Math.round((Date.UTC(parts[0], parts[1] - 1, parts[2]) - todayUtc) / 86400000);
    row.querySelector(".left").textContent = left < 0 ? "expired" : left === 0 ? "expires today" : left + " days";
    row.classList.toggle("expired", left < 0);
    row.classList.toggle("soon", left >= 0 && left <= soonDays);
  });

  const closed = [];
  window.addEventListener("beforeprint", () => {
    criteria.forEach((c) => { if (!c.open) { closed.push(c); c.open = true; } });
  });
  window.addEventListener("afterprint", () => { closed.splice(0).forEach((c) => { c.open = false; }); });
}());
