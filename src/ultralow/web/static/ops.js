// The operations dashboard's live view: server-sent events from <dashboard>/events update the page in place.
// Served from /static (the Content-Security-Policy allows no inline script). The dashboard's path (/ops,
// /zh/ops) is <body data-ops>; the words it writes come translated in #stream-state's data attributes.
"use strict";
(function () {
  var state = document.getElementById("stream-state");
  if (!state || !window.EventSource) { return; }
  var received = 0;
  var ops = document.body.dataset.ops || "/ops";
  function word(name, fallback) { return state.dataset[name] || fallback; }
  var names = {};
  var holder = document.getElementById("factor-names");
  if (holder) { try { names = JSON.parse(holder.dataset.names); } catch (e) { names = {}; } }

  function setState(name, text) { state.dataset.state = name; state.textContent = text; }
  function cell(outlet, code, name) {
    var row = outlet.querySelector('tr[data-code="' + code + '"]');
    if (!row) {
      var body = outlet.querySelector("tbody");
      var empty = body.querySelector("tr.empty");
      if (empty) { empty.remove(); }
      row = document.createElement("tr");
      row.dataset.code = code;
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = names[code] || code;
      row.appendChild(th);
      ["value", "flag", "data_time", "running", "last", "limit"].forEach(function (n) {
        var td = document.createElement("td");
        td.dataset.cell = n;
        row.appendChild(td);
      });
      body.appendChild(row);
    }
    return row.querySelector('td[data-cell="' + name + '"]');
  }
  function outletOf(id) { return document.querySelector('article.outlet[data-outlet="' + CSS.escape(id) + '"]'); }
  function flash(el) { el.classList.remove("fresh"); void el.offsetWidth; el.classList.add("fresh"); }

  function onValues(m) {
    var outlet = outletOf(m.outlet_id);
    if (!outlet) { return; }
    if (m.kind === "rtd" || m.kind === "minute") {
      Object.keys(m.values).forEach(function (code) {
        var v = m.values[code];
        var value = cell(outlet, code, "value");
        value.textContent = v.value === null ? "—" : String(v.value);
        flash(value);
        cell(outlet, code, "flag").textContent = v.flag || "";
        cell(outlet, code, "data_time").textContent = m.data_time || "";
      });
    }
    onDevice(outlet, m.device || {});
    outlet.dataset.lastMs = String(m.sent_ms);
  }
  function onDevice(outlet, d) {
    var conn = outlet.querySelector('[data-field="connected"]');
    conn.dataset.on = "yes";
    conn.textContent = word("connected", "connected");
    outlet.querySelector('[data-field="last_packet_at"]').textContent = d.last_packet_at || "—";
    if (d.peer) { outlet.querySelector('[data-field="peer"]').textContent = d.peer; }
  }
  function onHours(m) {
    var outlet = outletOf(m.outlet_id);
    if (!outlet) { return; }
    m.running.forEach(function (f) {
      cell(outlet, f.code, "running").textContent =
        f.value_mg_m3 === null ? "" : f.value_mg_m3 + " (" + f.valid_minutes + " min)";
      cell(outlet, f.code, "limit").textContent = f.limit_mg_m3 === null ? "" : String(f.limit_mg_m3);
    });
    m.last_hour.forEach(function (f) {
      var last = cell(outlet, f.code, "last");
      last.textContent = f.value_mg_m3 === null ? f.status : String(f.value_mg_m3);
      last.classList.toggle("over", !!f.exceeded);
      cell(outlet, f.code, "limit").textContent = f.limit_mg_m3 === null ? "" : String(f.limit_mg_m3);
    });
  }
  function onAlarm(m) {
    var list = document.getElementById("alarm-list");
    if (!list) { return; }
    var none = list.querySelector("li.none");
    if (none) { none.remove(); }
    var li = document.createElement("li");
    li.className = "alarm " + m.kind;
    li.id = "live-alarm-" + m.alarm_id;
    var a = document.createElement("a");
    a.href = ops + "/alarms#alarm-" + m.alarm_id;
    a.textContent = word(m.kind, m.kind);
    li.appendChild(a);
    li.appendChild(document.createTextNode(" " + m.outlet_id + " " + m.code + " " + m.hour.replace("T", " ").slice(0, 16) +
      ": " + Number(m.value_mg_m3).toFixed(2) + " mg/m³ (" + word("limit", "limit") + " " + m.limit_mg_m3 + ")"));
    list.insertBefore(li, list.firstChild);
  }

  var source = new EventSource(ops + "/events");
  source.onopen = function () { setState("open", word("open", "live")); };
  source.onerror = function () { setState("retrying", word("retrying", "reconnecting…")); };
  source.onmessage = function (event) {
    var m;
    try { m = JSON.parse(event.data); } catch (e) { return; }
    received += 1;
    document.body.dataset.received = String(received);
    if (m.type === "values") { onValues(m); }
    else if (m.type === "hours") { onHours(m); }
    else if (m.type === "device") { var o = outletOf(m.outlet_id); if (o) { onDevice(o, m.device); } }
    else if (m.type === "alarm") { onAlarm(m); }
  };
}());
