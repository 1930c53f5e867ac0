/* 收件箱: refresh the tiles' numbers every minute without a reload, and say when new cases arrived.
   The interval is window.DBT_POLL_MS when a test sets it, else 60 s. */
(function () {
  "use strict";
  var tiles = document.getElementById("live-counts");
  var notice = document.getElementById("new-cases");
  if (!tiles || !notice || !window.fetch) { return; }
  // The cases that reached the center after data-since, as the page was drawn (work_queue.arrivals_mark).
  var since = tiles.getAttribute("data-since");
  var shown = Number(tiles.getAttribute("data-arrived"));
  var every = window.DBT_POLL_MS || 60000;
  notice.querySelector("a").addEventListener("click", function (event) {
    event.preventDefault();
    window.location.reload();
  });
  function show(counts) {
    var cells = tiles.querySelectorAll("[data-count]");
    for (var i = 0; i < cells.length; i++) {
      var value = counts[cells[i].getAttribute("data-count")];
      if (typeof value === "number") { cells[i].querySelector("b").textContent = String(value); }
    }
    var arrived = counts.arrived - shown;
    if (arrived > 0) {
      notice.querySelector("a").textContent = "有 " + arrived + " 件新到办件，点击刷新";
      notice.hidden = false;
    }
  }
  function poll() {
    var url = tiles.getAttribute("data-url") + "?since=" + encodeURIComponent(since);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) {
        if (!reply.ok || reply.redirected) { throw new Error("counts unavailable"); }
        return reply.json();
      })
      .then(show)
      .catch(function () { /* logged out or offline: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
})();
