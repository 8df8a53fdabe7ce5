/* casemine review report: the mention panel and the label switches of a document page.
   No external code; every value is written with textContent, never parsed as HTML. */
(function () {
  "use strict";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function row(table, key, value, href) {
    var tr = el("tr");
    tr.appendChild(el("th", key));
    var td = el("td");
    if (href) { var a = el("a", value); a.href = href; td.appendChild(a); } else { td.textContent = value; }
    tr.appendChild(td);
    table.appendChild(tr);
  }

  var STATUS = { tp: "correct (exact gold match)", boundary: "overlaps gold, other offsets",
                 fp: "false positive (no gold)", fn: "missed (gold, not predicted)" };

  function show(mark) {
    var body = document.getElementById("panel-body");
    if (!body) { return; }
    var d = mark.dataset;
    body.textContent = "";
    body.appendChild(el("h3", d.label, "panel-label"));
    body.appendChild(el("div", d.text, "quote"));
    var table = el("table");
    table.className = "attrs";
    row(table, "characters", d.start + "–" + d.end);
    if (d.mid) { row(table, "mention", d.mid); }
    if (d.patient) { row(table, "patient", d.patient, d.patientHref); }
    if (d.status) { row(table, "gold", STATUS[d.status] || d.status); }
    if (d.note) { row(table, "note", d.note); }
    var attrs = [];
    try { attrs = JSON.parse(d.attrs || "[]"); } catch (err) { attrs = []; }
    attrs.forEach(function (pair) { row(table, pair[0], pair[1]); });
    body.appendChild(table);
    var outer = [];
    for (var p = mark.parentElement; p && p.id !== "text"; p = p.parentElement) {
      if (p.classList.contains("m") && p.dataset.kind !== "evidence") { outer.push(p.dataset.label + " “" + p.dataset.text + "”"); }
    }
    if (outer.length) { body.appendChild(el("p", "inside: " + outer.join("; "), "note")); }
    document.querySelectorAll(".m.selected").forEach(function (m) { m.classList.remove("selected"); });
    document.querySelectorAll('.m[data-key="' + d.key + '"]').forEach(function (m) { m.classList.add("selected"); });
  }

  function markOf(node) {
    var m = node && node.closest ? node.closest("#text .m") : null;
    while (m && m.dataset.kind === "evidence") { m = m.parentElement ? m.parentElement.closest("#text .m") : null; }
    return m;
  }

  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var m = markOf(target);
    if (m) {
      show(m);
      target.scrollIntoView({ block: "center" });
    }
  }

  // the first mark after the selected one (or the first of all) among those a button names
  function next(selector) {
    var all = Array.prototype.slice.call(document.querySelectorAll(selector));
    if (!all.length) { return; }
    var current = document.querySelector("#text .m.selected");
    var after = current ? all.filter(function (m) {
      return current !== m && !(m.dataset.key === current.dataset.key) &&
        (current.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING);
    }) : all;
    var m = after.length ? after[0] : all[0];
    show(m);
    m.scrollIntoView({ block: "center" });
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("[data-next]") : null;
    if (button) { next(button.dataset.next); return; }
    var m = markOf(ev.target);
    if (m) { show(m); }
  });

  document.addEventListener("change", function (ev) {
    var box = ev.target;
    if (!box.dataset || !box.dataset.toggleLabel) { return; }
    var text = document.getElementById("text");
    if (text) { text.classList.toggle("hide-" + box.dataset.toggleLabel, !box.checked); }
  });

  window.addEventListener("hashchange", fromHash);
  // after the browser's own jump to the fragment, which would leave the mark at the very top
  window.addEventListener("load", function () { window.setTimeout(fromHash, 0); });
})();
