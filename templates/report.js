/* sm-report page script, inlined into the report by the renderer. It only
   adds interaction to content that is already in the page: sortable tables,
   hover values and zoom on line charts, expand/collapse of folded detail,
   and opened detail when printing. It loads nothing and the page reads the
   same without it. */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  /* ---- Sortable tables ------------------------------------------------ */

  var UNITS = {
    "": 1, "%": 1, "x": 1,
    b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
    kib: 1024, mib: 1048576, gib: 1073741824, tib: 1099511627776,
    ns: 1e-9, us: 1e-6, "\u00b5s": 1e-6, ms: 1e-3, s: 1, sec: 1, seconds: 1, second: 1,
    min: 60, mins: 60, minutes: 60, minute: 60, h: 3600, hours: 3600, hour: 3600
  };
  var NUMBER = /^([-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*([a-z%\u00b5]*)\s*/i;

  /* The number a cell shows: "12.3 MB" -> 12300000, "68.8 %" -> 68.8,
     "25 min 00 s" -> 1500; null for an empty cell or a dash; NaN for text. */
  function cellValue(text) {
    var rest = text.replace(/\u2009|\u00a0/g, " ").trim();
    if (rest === "" || /^(?:[-\u2013\u2014]|n\/a)$/i.test(rest)) return null;
    var total = 0;
    var matched = false;
    while (rest !== "") {
      var m = NUMBER.exec(rest);
      if (!m) return NaN;
      var unit = m[2].toLowerCase();
      if (!(unit in UNITS)) return NaN;
      total += parseFloat(m[1].replace(/,/g, "")) * UNITS[unit];
      matched = true;
      rest = rest.slice(m[0].length);
    }
    return matched ? total : NaN;
  }

  function sortTable(table, col, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var keys = rows.map(function (row, i) {
      var cell = row.cells[col];
      var text = cell ? cell.textContent : "";
      return { row: row, index: i, text: text, value: cellValue(text) };
    });
    var numeric = keys.some(function (k) { return k.value !== null; }) &&
        keys.every(function (k) { return k.value === null || !isNaN(k.value); });
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var sign = ascending ? 1 : -1;
    keys.sort(function (a, b) {
      var empty = (a.value === null && numeric) - (b.value === null && numeric);
      if (empty) return empty;  /* empty cells last either way */
      var d = numeric ? a.value - b.value
                      : a.text.localeCompare(b.text, undefined, { numeric: true });
      return d ? sign * d : a.index - b.index;
    });
    keys.forEach(function (k) { body.appendChild(k.row); });
    Array.prototype.forEach.call(th.parentNode.cells, function (other) {
      if (other !== th) other.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  Array.prototype.forEach.call(doc.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies[0] || table.tBodies[0].rows.length < 2) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      th.title = "Sort by this column";
      th.addEventListener("click", function () { sortTable(table, col, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          sortTable(table, col, th);
        }
      });
    });
  });

  /* ---- Folded detail --------------------------------------------------- */

  var allDetails = doc.querySelectorAll("details.detail");
  if (allDetails.length > 0) {
    var bar = doc.createElement("div");
    bar.className = "detail-toolbar";
    [["Expand all detail", true], ["Collapse all detail", false]].forEach(function (b) {
      var button = doc.createElement("button");
      button.type = "button";
      button.textContent = b[0];
      button.addEventListener("click", function () {
        Array.prototype.forEach.call(allDetails, function (d) { d.open = b[1]; });
      });
      bar.appendChild(button);
    });
    var main = doc.querySelector("main");
    if (main) main.insertBefore(bar, main.firstChild);
  }

  /* Printed pages show every detail; the reader's choice comes back after. */
  var openBeforePrint = null;
  window.addEventListener("beforeprint", function () {
    openBeforePrint = Array.prototype.map.call(allDetails, function (d) { return d.open; });
    Array.prototype.forEach.call(allDetails, function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    if (!openBeforePrint) return;
    Array.prototype.forEach.call(allDetails, function (d, i) { d.open = openBeforePrint[i]; });
    openBeforePrint = null;
  });

  /* ---- Line charts: hover values and zoom ------------------------------ */

  function numbers(attr) {
    return (attr || "").split(" ").map(parseFloat);
  }

  function parseSeries(text) {
    var parts = text.split("|");
    var base = parseFloat(parts[0]);
    var series = [];
    for (var i = 1; i < parts.length; ++i) {
      var f = parts[i].split(";");
      if (f.length < 4) continue;
      var flat = f[3] === "" ? [] : f[3].split(",").map(parseFloat);
      var xs = [], ys = [];
      for (var k = 0; k + 1 < flat.length; k += 2) {
        xs.push(base + flat[k]);
        ys.push(flat[k + 1]);
      }
      var label;
      try { label = decodeURIComponent(f[0]); } catch (e) { label = f[0]; }
      series.push({ label: label, color: f[1], order: parseInt(f[2], 10) || 0, xs: xs, ys: ys });
    }
    return { base: base, series: series };
  }

  function parseBands(text, base) {
    if (!text) return [];
    return text.split(";").map(function (b) {
      var f = b.split(",");
      return { x0: base + parseFloat(f[0]), x1: base + parseFloat(f[1]), color: f[2] };
    });
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  function utc(t, withSeconds, withDate) {
    var d = new Date(t * 1000);
    var s = pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes());
    if (withSeconds) s += ":" + pad2(d.getUTCSeconds());
    if (withDate) {
      s = d.getUTCFullYear() + "-" + pad2(d.getUTCMonth() + 1) + "-" + pad2(d.getUTCDate()) +
          " " + s;
    }
    return s;
  }

  function formatValue(v) {
    var a = Math.abs(v);
    if (a >= 1000) return v.toFixed(0);
    if (a >= 100) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return v.toPrecision(3);
  }

  /* Index of the point of sorted `xs` nearest to x. */
  function nearest(xs, x) {
    var lo = 0, hi = xs.length - 1;
    if (hi < 0) return -1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (xs[mid] < x) lo = mid; else hi = mid;
    }
    return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
  }

  var TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
                    21600, 43200, 86400];

  function niceStep(span, target) {
    var raw = span / Math.max(1, target);
    var mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; ++i) {
      if (steps[i] * mag >= raw) return steps[i] * mag;
    }
    return 10 * mag;
  }

  function ticks(lo, hi, target, time) {
    var step = niceStep(hi - lo, target);
    if (time) {
      step = TIME_STEPS[TIME_STEPS.length - 1];
      for (var i = 0; i < TIME_STEPS.length; ++i) {
        if (TIME_STEPS[i] >= (hi - lo) / Math.max(1, target)) { step = TIME_STEPS[i]; break; }
      }
    }
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(v);
    return { values: out, step: step };
  }

  var DASHES = ["", "", "", "7 3.5", "1.6 2.4", "8 3 1.6 3"];
  function dashOf(order) { return order < 6 ? DASHES[order] : "3 3"; }

  /* New chart elements take the namespace of the page's own SVG. */
  var svgNs = null;
  function el(name, attrs, parent) {
    var e = doc.createElementNS(svgNs, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function setupChart(figure) {
    var svg = figure.querySelector("svg[data-plot]");
    if (!svg) return;
    svgNs = svg.namespaceURI;
    var plot = numbers(svg.getAttribute("data-plot"));
    var xr = numbers(svg.getAttribute("data-x"));
    var yr = numbers(svg.getAttribute("data-y"));
    var tickH = parseFloat(svg.getAttribute("data-tick")) || 16;
    var time = svg.getAttribute("data-time") === "1";
    if (plot.length !== 4 || xr.length !== 2 || yr.length !== 2 || !(xr[1] > xr[0]) ||
        !(yr[1] > yr[0])) {
      return;
    }
    var data = parseSeries(figure.getAttribute("data-series") || "");
    if (data.series.length === 0) return;
    var bands = parseBands(figure.getAttribute("data-bands"), data.base);
    var px = plot[0], py = plot[1], pw = plot[2], ph = plot[3];
    var view = { lo: xr[0], hi: xr[1] };
    var vb = svg.viewBox && svg.viewBox.baseVal;
    var vbw = vb && vb.width ? vb.width : pw;

    figure.classList.add("interactive");
    var tip = doc.createElement("div");
    tip.className = "chart-tip";
    tip.setAttribute("role", "status");
    tip.hidden = true;
    figure.appendChild(tip);
    var reset = doc.createElement("button");
    reset.type = "button";
    reset.className = "chart-reset";
    reset.textContent = "Reset zoom";
    reset.hidden = true;
    figure.appendChild(reset);

    var zoomLayer = null;
    var hoverLayer = el("g", { "class": "chart-hover", "pointer-events": "none" }, svg);
    var guide = el("line", { y1: py, y2: py + ph, stroke: "#6b7588", "stroke-width": 1,
                             "stroke-dasharray": "3 3", visibility: "hidden" }, hoverLayer);
    var dot = el("circle", { r: 4, fill: "#fff", "stroke-width": 2,
                             visibility: "hidden" }, hoverLayer);
    var selection = el("rect", { y: py, height: ph, fill: "#3d4fc4", "fill-opacity": 0.15,
                                 stroke: "#3d4fc4", "stroke-width": 1,
                                 visibility: "hidden" }, hoverLayer);

    function xToPlot(x) { return px + (x - view.lo) / (view.hi - view.lo) * pw; }
    function yToPlot(y) {
      var v = py + ph - (y - yr[0]) / (yr[1] - yr[0]) * ph;
      return Math.max(py - 1, Math.min(py + ph + 1, v));
    }

    function toUser(evt) {
      var r = svg.getBoundingClientRect();
      if (!r.width) return null;
      var k = vbw / r.width;
      return { x: (evt.clientX - r.left) * k, y: (evt.clientY - r.top) * k, scale: 1 / k };
    }

    function drawZoom() {
      if (zoomLayer) zoomLayer.parentNode.removeChild(zoomLayer);
      zoomLayer = null;
      var zoomed = view.lo > xr[0] || view.hi < xr[1];
      reset.hidden = !zoomed;
      figure.classList.toggle("zoomed", zoomed);
      if (!zoomed) return;
      zoomLayer = el("g", { "class": "chart-zoom" });
      svg.insertBefore(zoomLayer, hoverLayer);
      el("rect", { x: px - 4, y: py - 1, width: pw + 40, height: ph + tickH + 3,
                   fill: "#fff" }, zoomLayer);
      var inner = el("svg", { x: px, y: py, width: pw, height: ph, overflow: "hidden" },
                     zoomLayer);
      bands.forEach(function (b) {
        var a = Math.max(0, xToPlot(b.x0) - px), e = Math.min(pw, xToPlot(b.x1) - px);
        if (e > a) {
          el("rect", { x: a, y: 0, width: e - a, height: ph, fill: b.color,
                       "fill-opacity": 0.13 }, inner);
        }
      });
      var yt = ticks(yr[0], yr[1], Math.max(3, Math.min(8, Math.round(ph / 22))), false);
      yt.values.forEach(function (v) {
        var y = yToPlot(v) - py;
        el("line", { x1: 0, x2: pw, y1: y, y2: y, stroke: "#e6e8ec", "stroke-width": 0.8 },
           inner);
      });
      data.series.forEach(function (s) {
        var pts = [];
        for (var i = 0; i < s.xs.length; ++i) {
          var inView = s.xs[i] >= view.lo && s.xs[i] <= view.hi;
          var edge = (i + 1 < s.xs.length && s.xs[i + 1] >= view.lo && s.xs[i] < view.lo) ||
                     (i > 0 && s.xs[i - 1] <= view.hi && s.xs[i] > view.hi);
          if (inView || edge) {
            pts.push((xToPlot(s.xs[i]) - px).toFixed(1) + "," +
                     (yToPlot(s.ys[i]) - py).toFixed(1));
          }
        }
        if (pts.length > 0) {
          el("polyline", { points: pts.join(" "), fill: "none", stroke: s.color,
                           "stroke-width": 1.4, "stroke-dasharray": dashOf(s.order),
                           "stroke-linejoin": "round" }, inner);
        }
      });
      var xt = ticks(view.lo, view.hi, Math.max(2, Math.min(12, Math.floor(pw / 85))), time);
      xt.values.forEach(function (v) {
        var x = xToPlot(v);
        el("line", { x1: x, x2: x, y1: py + ph, y2: py + ph + 3, stroke: "#9ea3ad",
                     "stroke-width": 0.8 }, zoomLayer);
        var label = time ? utc(v, xt.step < 60, false) : formatValue(v);
        var t = el("text", { x: x, y: py + ph + 4 + 11, "text-anchor": "middle",
                             "font-size": 11, fill: "#596170",
                             "font-family": "DejaVu Sans, sans-serif" }, zoomLayer);
        t.textContent = label;
      });
      el("line", { x1: px, x2: px + pw, y1: py + ph + 0.5, y2: py + ph + 0.5,
                   stroke: "#9ea3ad", "stroke-width": 0.8 }, zoomLayer);
    }

    function hide() {
      tip.hidden = true;
      guide.setAttribute("visibility", "hidden");
      dot.setAttribute("visibility", "hidden");
    }

    function show(evt) {
      var u = toUser(evt);
      if (!u || u.x < px || u.x > px + pw || u.y < py - 4 || u.y > py + ph + 4) {
        hide();
        return;
      }
      var x = view.lo + (u.x - px) / pw * (view.hi - view.lo);
      var rows = [];
      var best = null;
      data.series.forEach(function (s) {
        var i = nearest(s.xs, x);
        if (i < 0 || s.xs[i] < view.lo || s.xs[i] > view.hi) return;
        var row = { s: s, x: s.xs[i], y: s.ys[i], d: Math.abs(yToPlot(s.ys[i]) - u.y) };
        rows.push(row);
        if (!best || row.d < best.d) best = row;
      });
      if (!best) {
        hide();
        return;
      }
      rows.sort(function (a, b) { return b.y - a.y; });
      tip.textContent = "";
      var head = doc.createElement("div");
      head.className = "chart-tip-time";
      head.textContent = time ? utc(best.x, true, true) + " UTC" : formatValue(best.x);
      tip.appendChild(head);
      var shown = [best].concat(rows.filter(function (r) { return r !== best; }).slice(0, 5));
      shown.forEach(function (r) {
        var line = doc.createElement("div");
        if (r === best) line.className = "chart-tip-best";
        var swatch = doc.createElement("span");
        swatch.className = "chart-tip-swatch";
        swatch.style.background = r.s.color;
        line.appendChild(swatch);
        line.appendChild(doc.createTextNode((r.s.label || "value") + ": " + formatValue(r.y)));
        tip.appendChild(line);
      });
      if (rows.length > shown.length) {
        var more = doc.createElement("div");
        more.className = "chart-tip-more";
        more.textContent = "+" + (rows.length - shown.length) + " more series";
        tip.appendChild(more);
      }
      var gx = xToPlot(best.x);
      guide.setAttribute("x1", gx);
      guide.setAttribute("x2", gx);
      guide.setAttribute("visibility", "visible");
      dot.setAttribute("cx", gx);
      dot.setAttribute("cy", yToPlot(best.y));
      dot.setAttribute("stroke", best.s.color);
      dot.setAttribute("visibility", "visible");
      tip.hidden = false;
      var fr = figure.getBoundingClientRect();
      var sr = svg.getBoundingClientRect();
      var left = sr.left - fr.left + gx * u.scale + 12;
      if (left + tip.offsetWidth > fr.width) left = Math.max(0, left - tip.offsetWidth - 24);
      tip.style.left = left + "px";
      tip.style.top = (sr.top - fr.top + py * u.scale) + "px";
    }

    var drag = null;
    svg.addEventListener("pointermove", function (evt) {
      if (drag) {
        var u = toUser(evt);
        if (!u) return;
        var a = Math.max(px, Math.min(drag, u.x)), b = Math.min(px + pw, Math.max(drag, u.x));
        selection.setAttribute("x", a);
        selection.setAttribute("width", Math.max(0, b - a));
        selection.setAttribute("visibility", "visible");
      }
      show(evt);
    });
    svg.addEventListener("pointerleave", function () {
      hide();
      drag = null;
      selection.setAttribute("visibility", "hidden");
    });
    svg.addEventListener("pointerdown", function (evt) {
      if (evt.pointerType !== "mouse" || evt.button !== 0 || !time) {
        show(evt);
        return;
      }
      var u = toUser(evt);
      if (u && u.x >= px && u.x <= px + pw) {
        drag = u.x;
        evt.preventDefault();
      }
    });
    svg.addEventListener("pointerup", function (evt) {
      if (drag === null) return;
      var u = toUser(evt);
      var start = drag;
      drag = null;
      selection.setAttribute("visibility", "hidden");
      if (!u || Math.abs(u.x - start) < 6) return;
      var a = Math.max(px, Math.min(start, u.x)), b = Math.min(px + pw, Math.max(start, u.x));
      var lo = view.lo + (a - px) / pw * (view.hi - view.lo);
      var hi = view.lo + (b - px) / pw * (view.hi - view.lo);
      if (hi - lo > 1e-9) {
        view = { lo: lo, hi: hi };
        drawZoom();
        show(evt);
      }
    });
    function resetZoom() {
      view = { lo: xr[0], hi: xr[1] };
      drawZoom();
      hide();
    }
    svg.addEventListener("dblclick", resetZoom);
    reset.addEventListener("click", resetZoom);
    if (time) figure.title = "Drag across the chart to zoom; double-click to reset";
  }

  Array.prototype.forEach.call(doc.querySelectorAll("figure.chart[data-series]"), function (f) {
    try {
      setupChart(f);
    } catch (e) {
      /* A chart the script cannot read stays as drawn. */
    }
  });
})();
