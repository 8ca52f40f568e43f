/*
 * training.js -- the training player: network view, decision boundary (or weight
 * images) and loss/accuracy curves of one recorded training run, frame by frame.
 *
 * Reads the JSON that micrograd_ed.viz.training.player embedded (MGControls.data()):
 *   frames:  [{epoch, caption}]            one per frame shown
 *   network: {weights: VIEW, grads?: VIEW} VIEW = {base, slots, values} or {full}
 *            base: the first SVG; slots: [[element index, attribute or "#text"]];
 *            values[k]: the slots' values in frame k (null: no picture for frame k)
 *   panel:   {kind, images: [data URI per frame]}
 *   layout:  "wide-network" or "tall-network" (the network gets the full-height column)
 *   curves:  {svg, aspect: width / height,
 *            axes: [{x: [cursor x per frame], top, bottom}]}  (fractions of the figure)
 * and lets controls.js (MGControls.create) drive render(k). Plain ES5, nothing fetched.
 */
(function () {
  "use strict";

  var data = MGControls.data();
  var frames = data.frames;
  var caption = document.getElementById("caption");
  var networkBox = document.getElementById("network");
  var networkNote = document.getElementById("network-note");
  var panel = document.getElementById("panel");
  var gradsBox = document.getElementById("show-grads");
  var curvesArea = document.getElementById("curves");
  var curvesBox = document.getElementById("curves-svg");
  var cursors = [];
  var view = null;        // the network VIEW shown
  var elements = null;    // its SVG's elements, in document order (the slots' indices)
  var shown = -1;

  function showView(name) {
    view = data.network[name];
    elements = null;
    if (view.base !== undefined) {
      networkBox.innerHTML = view.base;
      var svg = networkBox.querySelector("svg");
      elements = [svg].concat(Array.prototype.slice.call(svg.querySelectorAll("*")));
    }
  }

  function drawNetwork(k) {
    var missing = view.base !== undefined ? view.values[k] === null : view.full[k] === null;
    networkBox.style.visibility = missing ? "hidden" : "visible";
    networkNote.textContent = missing ?
      "no gradient yet: epoch " + frames[k].epoch + " is before the first step" : "";
    if (missing) { return; }
    if (view.base === undefined) {
      networkBox.innerHTML = view.full[k];
      return;
    }
    var values = view.values[k];
    for (var i = 0; i < view.slots.length; i++) {
      var el = elements[view.slots[i][0]];
      var what = view.slots[i][1];
      if (what === "#text") { el.textContent = values[i]; } else { el.setAttribute(what, values[i]); }
    }
  }

  function render(k) {
    shown = k;
    caption.textContent = frames[k].caption;
    drawNetwork(k);
    panel.src = data.panel.images[k];
    panel.setAttribute("data-frame", String(k));
    for (var i = 0; i < cursors.length; i++) {
      cursors[i].style.left = (100 * data.curves.axes[i].x[k]).toFixed(3) + "%";
    }
  }

  // the curves keep their aspect ratio, as large as their area allows; the cursors are
  // placed in fractions of the figure, so they stay on the epoch at any size
  function fitCurves() {
    var r = data.curves.aspect;
    var w = Math.min(curvesArea.clientWidth, curvesArea.clientHeight * r);
    curvesBox.style.width = w + "px";
    curvesBox.style.height = (w / r) + "px";
  }
  document.getElementById("stage").className = data.layout;
  curvesBox.innerHTML = data.curves.svg;
  data.curves.axes.forEach(function (axes) {
    var c = document.createElement("div");
    c.className = "cursor";
    c.style.top = (100 * axes.top).toFixed(3) + "%";
    c.style.height = (100 * (axes.bottom - axes.top)).toFixed(3) + "%";
    curvesBox.appendChild(c);
    cursors.push(c);
  });
  fitCurves();
  window.addEventListener("resize", fitCurves);
  showView("weights");
  if (gradsBox) {
    gradsBox.addEventListener("change", function () {
      showView(gradsBox.checked ? "grads" : "weights");
      drawNetwork(shown);
      gradsBox.blur();
    });
  }
  window.trainingPlayer = MGControls.create({ count: frames.length, render: render,
                                              interval: 250 });
}());
