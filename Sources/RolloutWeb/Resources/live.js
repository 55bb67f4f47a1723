// Rollout's live pages: on each change of the log, fetch the same page and swap its main part in
// place. All the tabs of a browser share one event stream, held by a shared worker
// (/assets/live-worker.js), so that ten open tabs hold one connection, not ten: over HTTP/1.1 a
// browser keeps at most six connections to a server, and streams held by pages would leave none
// for the next page. Where shared workers do not exist, each page holds its own stream, closed
// when the page is left (pagehide) and opened again when it is shown.
(function () {
  "use strict";
  var dot = document.getElementById("live");
  if (!dot || !window.EventSource) { return; }
  var timer = null;
  function refresh() {
    fetch(window.location.href, { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("page");
        var page = document.getElementById("page");
        if (fresh && page) { page.innerHTML = fresh.innerHTML; }
        var now = new Date();
        var t = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2) + ":" + ("0" + now.getSeconds()).slice(-2);
        dot.title = (dot.getAttribute("data-updated") || "").replace("{time}", t);
        dot.textContent = "● " + dot.title;
        document.documentElement.setAttribute("data-live-updates", String(Number(document.documentElement.getAttribute("data-live-updates") || "0") + 1));
      })
      .catch(function () { dot.className = "live off"; });
  }
  function connected() {
    dot.className = "live";
    dot.textContent = "● " + (dot.getAttribute("data-label") || "");
    document.documentElement.setAttribute("data-live", "connected");
  }
  function changed() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 150);
  }
  function lost() { dot.className = "live off"; }

  var port = null;
  var source = null;
  function open() {
    if (window.SharedWorker) {
      if (port) { return; }
      try {
        port = new SharedWorker("/assets/live-worker.js").port;
      } catch (e) {
        port = null;
      }
      if (port) {
        port.onmessage = function (m) {
          if (m.data.type === "hello") { connected(); }
          else if (m.data.type === "change") { changed(); }
          else if (m.data.type === "error") { lost(); }
        };
        port.start();
        port.postMessage("hello");
        return;
      }
    }
    if (source) { return; }
    source = new EventSource("/api/v1/events/stream");
    source.addEventListener("hello", connected);
    source.addEventListener("change", changed);
    source.onerror = lost;
  }
  function close() {
    if (port) { port.postMessage("bye"); port.close(); port = null; }
    if (source) { source.close(); source = null; }
  }
  window.addEventListener("pagehide", close);
  window.addEventListener("pageshow", function (e) { if (e.persisted) { refresh(); } open(); });
  open();
})();
