/*
 * layers.js -- the layers player: steps through backprop in matrix form on one figure.
 *
 * Reads the embedded data (MGControls.data()): {groups: [...], steps: [{title, lines, shown,
 * focus}]}. Every element of the figure that belongs to a matrix or an arrow carries the SVG
 * class "grp_<name>"; step k shows the groups in steps[k].shown (the others are faint:
 * not computed yet) and outlines those in steps[k].focus (computed in this step). The caption
 * is the step's equation with its numbers. Plain ES5, no libraries, nothing fetched.
 */
(function () {
  "use strict";

  var data = MGControls.data();
  var stage = document.getElementById("layers-stage");
  var title = document.getElementById("step-title");
  var caption = document.getElementById("caption");
  var svg = stage.querySelector("svg");

  // the whole figure in view: as wide as the stage, at most 62% of the window's height
  function fit() {
    var box = svg.viewBox.baseVal;
    if (!box || !box.width || !box.height) { return; }
    var s = Math.min((stage.clientWidth - 2) / box.width,
                     window.innerHeight * 0.62 / box.height);
    svg.style.width = (box.width * s) + "px";
    svg.style.height = (box.height * s) + "px";
  }
  fit();
  window.addEventListener("resize", fit);

  var members = {};
  data.groups.forEach(function (g) {
    members[g] = Array.prototype.slice.call(stage.getElementsByClassName("grp_" + g));
  });

  function render(k) {
    var step = data.steps[k];
    var shown = {}, focus = {};
    step.shown.forEach(function (g) { shown[g] = true; });
    step.focus.forEach(function (g) { focus[g] = true; });
    data.groups.forEach(function (g) {
      members[g].forEach(function (el) {
        el.classList.toggle("mg-hidden", !shown[g]);
        el.classList.toggle("mg-focus", !!focus[g]);
      });
    });
    title.textContent = step.title;
    caption.textContent = "";
    step.lines.forEach(function (line) {
      var span = document.createElement("span");
      span.className = "mg-line mg-mono";
      span.textContent = line;
      caption.appendChild(span);
    });
  }

  MGControls.create({count: data.steps.length, render: render, interval: 1400});
})();
