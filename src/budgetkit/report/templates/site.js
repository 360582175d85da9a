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
    head.appendChild(count);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase(), shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        var hit = !q || r.textContent.toLowerCase().indexOf(q) !== -1;
        r.hidden = !hit;
        if (hit) { shown += 1; }
      });
      count.textContent = q ? "显示 " + shown + " 行 rows shown" : "";
    });
  }
  document.querySelectorAll("table.bk-sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.title = "点击排序 click to sort";
      th.addEventListener("click", function () { sortBy(table, i, th); });
    });
    if (table.classList.contains("bk-searchable")) { addSearch(table); }
  });
})();
