// The one event stream of a browser's Rollout tabs: each tab's live.js connects a port; the
// worker opens the stream while at least one tab is connected, tells every tab of each change,
// and closes the stream when the last tab has said goodbye.
"use strict";
var ports = [];
var source = null;
var connected = false;

function broadcast(message) {
  ports.forEach(function (p) { p.postMessage(message); });
}

function ensure() {
  if (source) { return; }
  source = new EventSource("/api/v1/events/stream");
  source.addEventListener("hello", function () { connected = true; broadcast({ type: "hello" }); });
  source.addEventListener("change", function (e) { broadcast({ type: "change", data: e.data }); });
  source.onerror = function () { connected = false; broadcast({ type: "error" }); };
}

function release() {
  if (ports.length === 0 && source) {
    source.close();
    source = null;
    connected = false;
  }
}

onconnect = function (e) {
  var port = e.ports[0];
  ports.push(port);
  port.onmessage = function (m) {
    if (m.data === "bye") {
      ports = ports.filter(function (p) { return p !== port; });
      release();
    } else if (m.data === "hello" && connected) {
      port.postMessage({ type: "hello" });
    }
  };
  port.start();
  ensure();
};
