/*
 * steps.js -- the backprop step-through player (micrograd_ed.viz.step_through).
 *
 * Reads the embedded data (MGControls.data()): names, edges [k, i, parent], steps (one
 * record of changes per step: c caption, n node in focus, e edge "k_i", src node passing
 * its grad on, op op computed, d {node: data text}, g {node: [grad text, status]}, s the
 * edge's share text) and paths ({node: {head, list: [{e: edges "k_i", t: text}], total}}).
 * The SVG was tagged by micrograd_ed/viz/steps/svg.py: [data-node], [data-op],
 * [data-edge="k_i"], [data-opedge], and text classes mg-data, mg-grad, mg-edata, mg-egrad.
 * render(k) replays the changes of steps 0..k and writes every text and highlight; the
 * view follows the step on graphs too big to read whole. Only textContent is ever set,
 * so labels stay text.
 */
(function () {
  "use strict";

  var D = MGControls.data();
  var svg = document.getElementById("graph");
  var stage = document.getElementById("stage");
  var caption = document.getElementById("caption");
  var N = D.names.length;
  var READABLE = 1.25;   // px per SVG point below which the view zooms in and follows
  var MAX_FIT = 2.2;     // a small graph is enlarged at most this much

  function all(sel) { return Array.prototype.slice.call(svg.querySelectorAll(sel)); }
  function texts(g, cls) { return Array.prototype.slice.call(g.getElementsByClassName(cls)); }

  var values = {}, ops = {}, edges = {}, opEdges = {};
  all("[data-node]").forEach(function (g) { values[g.getAttribute("data-node")] = g; });
  all("[data-op]").forEach(function (g) { ops[g.getAttribute("data-op")] = g; });
  all("[data-edge]").forEach(function (g) { edges[g.getAttribute("data-edge")] = g; });
  all("[data-opedge]").forEach(function (g) { opEdges[g.getAttribute("data-opedge")] = g; });
  var ghosts = all("[data-ghost]");
  var edgeParent = {};
  D.edges.forEach(function (e) { edgeParent[e[0] + "_" + e[1]] = e[2]; });

  // ------------------------------------------------------------------ state
  function stateAt(k) {
    var st = { data: {}, grad: {}, share: {} };
    for (var s = 0; s <= k; s++) {
      var step = D.steps[s], key;
      for (key in step.d) { st.data[key] = step.d[key]; }
      for (key in step.g) { st.grad[key] = step.g[key]; }
      if (step.s !== null) { st.share[step.e] = step.s; }
    }
    return st;
  }

  function setText(el, text) { if (el.textContent !== text) { el.textContent = text; } }
  function toggle(el, cls, on) { if (el) { el.classList.toggle(cls, !!on); } }

  function render(k) {
    var step = D.steps[k];
    var st = stateAt(k);
    var key, g;
    for (key in values) {
      g = values[key];
      var d = st.data[key];
      texts(g, "mg-data").forEach(function (t) {
        setText(t, (t.getAttribute("data-prefix") || "") + (d === undefined ? "?" : d));
        toggle(t, "mg-unknown", d === undefined);
      });
      var gr = st.grad[key];
      texts(g, "mg-grad").forEach(function (t) {
        setText(t, gr === undefined ? "grad ?" : gr[0]);
        toggle(t, "mg-unknown", gr === undefined);
        toggle(t, "mg-partial", gr !== undefined && gr[1] === "partial");
      });
      toggle(g, "mg-future", d === undefined);
      toggle(g, "mg-current", String(step.n) === key);
      toggle(g, "mg-from", String(step.src) === key);
      toggle(ops[key], "mg-current", String(step.op) === key);
      toggle(opEdges[key], "mg-pending", d === undefined);
    }
    ghosts.forEach(function (gh) {
      var gd = st.data[gh.getAttribute("data-ghost")];
      texts(gh, "mg-data").forEach(function (t) { setText(t, "data " + (gd === undefined ? "?" : gd)); });
      toggle(gh, "mg-future", gd === undefined);
      toggle(gh, "mg-current", String(step.n) === gh.getAttribute("data-ghost"));
    });
    for (key in edges) {
      g = edges[key];
      var share = st.share[key];
      var pd = st.data[String(edgeParent[key])];
      texts(g, "mg-edata").forEach(function (t) {
        setText(t, "data " + (pd === undefined ? "?" : pd));
      });
      texts(g, "mg-egrad").forEach(function (t) { setText(t, share === undefined ? "grad ?" : share); });
      toggle(g, "mg-pending", share === undefined);
      toggle(g, "mg-edge-current", step.e === key);
      toggle(g, "mg-edge-in", step.op !== null && key.split("_")[0] === String(step.op));
    }
    setText(caption, step.c);
    caption.setAttribute("data-phase", step.ph);
    follow(step);
  }

  // --------------------------------------------------------------- the view
  var vb = svg.viewBox.baseVal;
  var full = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
  var PAD = 10;          // SVG units around the drawing: room for this step's halo
  full = drawnBox() || full;
  var cur = { x: full.x, y: full.y, w: full.w, h: full.h };
  var zoom = 1;
  var followBox = document.getElementById("follow");
  var anim = null;
  var lastStep = null;
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");

  function stageSize() { return { w: stage.clientWidth || 800, h: stage.clientHeight || 500 }; }
  function fitScale() {
    var s = stageSize();
    return Math.min(s.w / full.w, s.h / full.h);
  }
  function bigGraph() { return fitScale() < READABLE; }

  function setBox(b) {
    cur = b;
    svg.setAttribute("viewBox", b.x.toFixed(2) + " " + b.y.toFixed(2) + " " +
                     b.w.toFixed(2) + " " + b.h.toFixed(2));
  }
  // a jump (fit, zoom, drag, a resize, "follow" ticked or unticked) stops any pan still
  // running, else the pan's next frames would take the view back where it was heading
  function stopAnim() {
    if (anim !== null) { cancelAnimationFrame(anim); anim = null; }
  }
  function jumpTo(b) { stopAnim(); setBox(b); }
  function animateTo(b) {
    stopAnim();
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (reduce || document.hidden) { setBox(b); return; }
    var from = cur, t0 = null, ms = 260;
    function frame(t) {
      if (t0 === null) { t0 = t; }
      var u = Math.min(1, (t - t0) / ms);
      u = u * (2 - u);
      setBox({ x: from.x + (b.x - from.x) * u, y: from.y + (b.y - from.y) * u,
               w: from.w + (b.w - from.w) * u, h: from.h + (b.h - from.h) * u });
      anim = u < 1 ? requestAnimationFrame(frame) : null;
    }
    anim = requestAnimationFrame(frame);
  }
  function wholeBox() {
    var s = stageSize(), scale = Math.min(fitScale(), MAX_FIT);
    var w = s.w / scale, h = s.h / scale;
    return { x: full.x + (full.w - w) / 2, y: full.y + (full.h - h) / 2, w: w, h: h };
  }
  // the bounding box, in SVG coordinates, of some elements of the picture (null if none)
  function svgBox(els) {
    var m = svg.getScreenCTM();
    if (!m || !els.length) { return null; }
    var inv = m.inverse(), box = null;
    els.forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) { return; }
      [[r.left, r.top], [r.right, r.bottom]].forEach(function (c) {
        var p = svg.createSVGPoint();
        p.x = c[0]; p.y = c[1];
        p = p.matrixTransform(inv);
        if (box === null) { box = { x0: p.x, y0: p.y, x1: p.x, y1: p.y }; }
        box.x0 = Math.min(box.x0, p.x); box.y0 = Math.min(box.y0, p.y);
        box.x1 = Math.max(box.x1, p.x); box.y1 = Math.max(box.y1, p.y);
      });
    });
    return box;
  }
  // what "the whole graph" is: its boxes, ops and edges with a margin, not the SVG's canvas
  // (which still holds the room of the legend, moved under the picture as text)
  function drawnBox() {
    var b = svgBox(all(".node, .edge, .cluster"));
    if (b === null) { return null; }
    return { x: b.x0 - PAD, y: b.y0 - PAD, w: b.x1 - b.x0 + 2 * PAD, h: b.y1 - b.y0 + 2 * PAD };
  }
  // the bounding box, in SVG coordinates, of the elements a step is about
  function focusBox(step) {
    // an edge step looks at the edge and the op it runs into (the operand's own box may be
    // far away: a value with many uses is drawn again beside each use)
    var els = [];
    if (step.e !== null && edges[step.e]) {
      els.push(edges[step.e]);
      if (ops[step.src]) { els.push(ops[step.src]); }
    } else {
      if (step.n !== null && values[step.n]) { els.push(values[step.n]); }
      if (step.op !== null && ops[step.op]) { els.push(ops[step.op]); }
    }
    return svgBox(els);
  }
  function followBoxFor(step) {
    var b = focusBox(step);
    if (b === null) { return wholeBox(); }  // a step about no one node (the start): all of it
    var s = stageSize();
    var scale = Math.max(fitScale(), READABLE) * zoom;
    var w = s.w / scale, h = s.h / scale;
    var cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
    var x = cx - w / 2, y = cy - h / 2;
    if (w < full.w) { x = Math.max(full.x, Math.min(full.x + full.w - w, x)); }
    else { x = full.x + (full.w - w) / 2; }
    if (h < full.h) { y = Math.max(full.y, Math.min(full.y + full.h - h, y)); }
    else { y = full.y + (full.h - h) / 2; }
    return { x: x, y: y, w: w, h: h };
  }
  function follow(step) {
    lastStep = step;
    if (followBox.checked && (bigGraph() || zoom > 1)) { animateTo(followBoxFor(step)); }
    else if (followBox.checked) { jumpTo(wholeBox()); }
  }
  function refit() {
    if (lastStep && followBox.checked && (bigGraph() || zoom > 1)) { jumpTo(followBoxFor(lastStep)); }
    else if (followBox.checked || zoom === 1) { jumpTo(wholeBox()); }
  }
  function zoomBy(f) {
    stopAnim();
    var c = { x: cur.x + cur.w / 2, y: cur.y + cur.h / 2 };
    var w = cur.w / f, h = cur.h / f;
    zoom *= f;
    setBox({ x: c.x - w / 2, y: c.y - h / 2, w: w, h: h });
  }
  document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(0.8); });
  document.getElementById("zoom-fit").addEventListener("click", function () {
    zoom = 1; followBox.checked = false; jumpTo(wholeBox());
  });
  followBox.addEventListener("change", function () { if (lastStep) { refit(); } });
  window.addEventListener("resize", refit);

  // drag to pan (then the view stops following until "follow" is ticked again)
  var drag = null;
  stage.addEventListener("pointerdown", function (e) {
    if (e.button !== 0 || e.target.closest("#paths")) { return; }
    stopAnim();
    drag = { x: e.clientX, y: e.clientY, box: cur, moved: false };
  });
  window.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    drag.moved = true;
    var s = stageSize(), k = Math.max(drag.box.w / s.w, drag.box.h / s.h);
    followBox.checked = false;
    setBox({ x: drag.box.x - dx * k, y: drag.box.y - dy * k, w: drag.box.w, h: drag.box.h });
  });
  window.addEventListener("pointerup", function () {
    if (drag && drag.moved) { stage.setAttribute("data-dragged", "1"); }
    drag = null;
  });

  // ------------------------------------------------------------------ paths
  var panel = document.getElementById("paths");
  var list = document.getElementById("path-list");
  var shown = null;
  function clearPaths() {
    all(".mg-path").forEach(function (el) { el.classList.remove("mg-path"); });
    panel.hidden = true;
    shown = null;
  }
  function showPaths(j) {
    clearPaths();
    var info = D.paths[String(j)];
    if (!info) { return; }
    shown = j;
    document.getElementById("paths-head").textContent = info.head;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    info.list.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.t;
      list.appendChild(li);
      toggle(values[j], "mg-path", true);
      p.e.forEach(function (e) {
        var n = e.split("_")[0];    // the edge k_i runs into node k, through its op
        toggle(edges[e], "mg-path", true);
        toggle(values[n], "mg-path", true);
        toggle(ops[n], "mg-path", true);
        toggle(opEdges[n], "mg-path", true);
      });
    });
    document.getElementById("path-sum").textContent = info.total;
    panel.hidden = false;
  }
  svg.addEventListener("click", function (e) {
    if (stage.getAttribute("data-dragged")) { stage.removeAttribute("data-dragged"); return; }
    var g = e.target.closest("[data-node]");
    if (g) {
      var j = parseInt(g.getAttribute("data-node"), 10);
      if (shown === j) { clearPaths(); } else { showPaths(j); }
    } else {
      clearPaths();
    }
  });
  document.getElementById("paths-close").addEventListener("click", clearPaths);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { clearPaths(); } });

  window.mgSteps = MGControls.create({ count: D.steps.length, render: render, interval: 1100 });
  window.mgSteps.showPaths = showPaths;
  window.mgSteps.clearPaths = clearPaths;
  if (D.pathsTo !== null && D.pathsTo !== undefined) { showPaths(D.pathsTo); }
  refit();
}());
