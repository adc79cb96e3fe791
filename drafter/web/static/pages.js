// The bank and batch pages work without this file; it only follows a mining job's progress
// in place of the page's own refresh, and shows the page again once the job is over.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box) return;
  var url = box.getAttribute("data-poll");
  function put(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (!el) return;
    if (name === "bar") { el.max = value.total || 1; el.value = value.done; }
    else el.textContent = value[name] == null ? "" : String(value[name]);
  }
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        ["bar", "stage", "done", "total", "current"].forEach(function (k) {
          put(k, s);
        });
        setTimeout(poll, 600);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();
