// budgetkit report pages: a search box over long tables, and sorting by any column.
// Works on the text already in the page (textContent only), so nothing from the data is parsed as HTML.
(function () {
  "use strict";
  function cellValue(td) {
    var v = td.getAttribute("data-v");
    return v === null ? td.textContent : parseFloat(v);
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
      var blankX = x === "" || (typeof x === "number" && isNaN(x)), blankY = y === "" || (typeof y === "number" && isNaN(y));
      if (blankX || blankY) { return blankX === blankY ? 0 : (blankX ? 1 : -1); }
      var r = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh");
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function headerLabel(th) {
    var node = th.firstChild;
    return node && node.nodeType === 3 ? node.nodeValue.trim() : th.textContent.trim();
  }
  function csvCell(text) {
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  // the rows shown (after search and filters) as a CSV file, as they read on the page
  function exportShown(table, name) {
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, headerLabel);
    var lines = [heads.map(csvCell).join(",")];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      if (r.hidden) { return; }
      lines.push(Array.prototype.map.call(r.cells, function (c) { return csvCell(c.textContent); }).join(","));
    });
    var blob = new Blob(["\ufeff" + lines.join("\n") + "\n"], {type: "text/csv;charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name.replace(/\.csv$/, "") + "-filtered.csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }
  function addSearch(table) {
    var head = table.parentNode.querySelector(".bk-table-head");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "bk-search";
    input.placeholder = "搜索 search";
    input.setAttribute("aria-label", "搜索本表 search this table");
    var count = document.createElement("span");
    count.className = "bk-filter-count";
    head.appendChild(input);
    // a filter per column of a few distinct values (status, severity, kind …)
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var filters = [];
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      var seen = {}, n = 0;
      rows.forEach(function (r) {
        var t = r.cells[i] ? r.cells[i].textContent : "";
        if (t && !seen.hasOwnProperty(t)) { seen[t] = true; n += 1; }
      });
      if (n < 2 || n > 8 || th.classList.contains("num")) { return; }
      var select = document.createElement("select");
      select.className = "bk-filter";
      select.setAttribute("aria-label", "筛选 filter: " + headerLabel(th));
      var all = document.createElement("option");
      all.value = ""; all.textContent = headerLabel(th) + "：全部 all";
      select.appendChild(all);
      Object.keys(seen).sort().forEach(function (v) {
        var o = document.createElement("option"); o.value = v; o.textContent = v; select.appendChild(o);
      });
      head.appendChild(select);
      filters.push([i, select]);
    });
    var exportButton = document.createElement("button");
    exportButton.type = "button";
    exportButton.className = "bk-export";
    exportButton.textContent = "下载显示的行 CSV download the rows shown";
    var csv = table.parentNode.querySelector("a.bk-csv");
    exportButton.addEventListener("click", function () {
      exportShown(table, csv ? csv.getAttribute("download") || "table.csv" : "table.csv");
    });
    head.appendChild(exportButton);
    head.appendChild(count);
    function apply() {
      var q = input.value.trim().toLowerCase(), shown = 0, active = !!q;
      filters.forEach(function (f) { active = active || !!f[1].value; });
      rows.forEach(function (r) {
        var hit = !q || r.textContent.toLowerCase().indexOf(q) !== -1;
        filters.forEach(function (f) { if (f[1].value && r.cells[f[0]].textContent !== f[1].value) { hit = false; } });
        r.hidden = !hit;
        if (hit) { shown += 1; }
      });
      count.textContent = active ? "显示 " + shown + " 行 rows shown" : "";
    }
    input.addEventListener("input", apply);
    filters.forEach(function (f) { f[1].addEventListener("change", apply); });
  }
  // every cell carries its column's label (a phone shows each row as a card of label and value)
  function label(table) {
    var labels = Array.prototype.map.call(table.tHead.rows[0].cells, headerLabel);
    if (labels.length >= 3) { table.classList.add("bk-wide"); }
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      Array.prototype.forEach.call(r.cells, function (c, i) { c.setAttribute("data-label", labels[i] || ""); });
    });
  }
  // a table wider than its box says so, and shades its right edge
  function cue(wrap) {
    var head = wrap.querySelector(".bk-table-head");
    if (head && !head.querySelector(".bk-scroll-cue")) {
      var span = document.createElement("span");
      span.className = "bk-scroll-cue";
      span.textContent = "表格较宽，可左右滚动查看更多列 → scroll sideways for more columns";
      head.appendChild(span);
    }
    wrap.classList.toggle("bk-scrolls", wrap.scrollWidth > wrap.clientWidth + 1);
  }
  document.querySelectorAll("table.bk-sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.title = (th.title ? th.title + "\n" : "") + "点击排序 click to sort";
      th.addEventListener("click", function () { sortBy(table, i, th); });
    });
    if (table.classList.contains("bk-searchable")) { addSearch(table); }
  });
  document.querySelectorAll("table.bk-data").forEach(label);
  var wraps = document.querySelectorAll(".bk-table");
  function cues() { wraps.forEach(cue); }
  cues();
  window.addEventListener("resize", cues);
})();
